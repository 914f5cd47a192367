/* dt_hal_arduino.cpp: the HAL on Arduino boards (ESP32, RP2040, SAMD51 through platformio.ini).
 * NOT COMPILED OR RUN HERE (no PlatformIO, no boards): written to the Arduino API, untested.
 *
 * The protocol runs on `Serial` (USB). The board runs its own control loop (HAL mode) for one
 * joint, the rig of sims/loop/task.ts's motor task:
 *   sensor    DT_SENSOR_POT: a potentiometer on DT_PIN_POT (analogRead, DT_POT_RAD_PER_COUNT
 *             rad per count around DT_POT_CENTRE), or DT_SENSOR_ENCODER: a quadrature encoder on
 *             DT_PIN_ENC_A/B (interrupt on A, DT_ENC_RAD_PER_COUNT rad per count);
 *   actuator  DT_ACT_PWM: an H-bridge, PWM duty on DT_PIN_PWM (analogWrite) and direction on
 *             DT_PIN_DIR, command in volts of DT_SUPPLY_V; or DT_ACT_SERVO: a hobby servo on
 *             DT_PIN_SERVO, command as degrees around DT_SERVO_CENTRE_DEG;
 *   control   the reference 1.5 sin(2 pi 0.5 t) + 0.5 sin(2 pi 1.5 t + 1) rad, PD (kp 10, kd 0.2),
 *             network features [r/2, r'/5, r''/20, tanh(r'/0.5)], output scale 4 (V per unit).
 * CONFIGURE the core with n_in = 4, n_out = 1 (or persist such a config): dt_hal_sense fills 4
 * features + 1 PD command. Persistence: NVS (Preferences) on ESP32; none on the other boards. */
#include <Arduino.h>
#include <math.h>
#include "dt_config.h"
#include "dt_hal.h"

#if defined(ARDUINO_ARCH_ESP32)
#include <ESP32Servo.h>
#include <Preferences.h>
#else
#include <Servo.h>
#endif

#define DT_SENSOR_POT 1
#define DT_SENSOR_ENCODER 2
#define DT_ACT_PWM 1
#define DT_ACT_SERVO 2

#ifndef DT_SENSOR
#define DT_SENSOR DT_SENSOR_ENCODER
#endif
#ifndef DT_ACTUATOR
#define DT_ACTUATOR DT_ACT_PWM
#endif
#ifndef DT_PIN_POT
#define DT_PIN_POT A0
#endif
#ifndef DT_POT_CENTRE
#define DT_POT_CENTRE 512
#endif
#ifndef DT_POT_RAD_PER_COUNT
#define DT_POT_RAD_PER_COUNT 0.00460f /* 270 degrees over 1024 counts */
#endif
#ifndef DT_PIN_ENC_A
#define DT_PIN_ENC_A 2
#endif
#ifndef DT_PIN_ENC_B
#define DT_PIN_ENC_B 3
#endif
#ifndef DT_ENC_RAD_PER_COUNT
#define DT_ENC_RAD_PER_COUNT 0.00628f /* 1000 counts per turn on the output shaft */
#endif
#ifndef DT_PIN_PWM
#define DT_PIN_PWM 5
#endif
#ifndef DT_PIN_DIR
#define DT_PIN_DIR 4
#endif
#ifndef DT_SUPPLY_V
#define DT_SUPPLY_V 12.0f
#endif
#ifndef DT_PIN_SERVO
#define DT_PIN_SERVO 9
#endif
#ifndef DT_SERVO_CENTRE_DEG
#define DT_SERVO_CENTRE_DEG 90.0f
#endif

static const float kp = 10.0f, kd = 0.2f, out_scale = 4.0f, two_pi = 6.2831853f;
static const float q12 = 4096.0f;

#if DT_SENSOR == DT_SENSOR_ENCODER
static volatile int32_t enc_count;
static void enc_isr(void) { enc_count += digitalRead(DT_PIN_ENC_B) ? -1 : 1; }
#endif
#if DT_ACTUATOR == DT_ACT_SERVO
static Servo servo;
#endif

static uint32_t t0_us, last_us;
static float last_angle;
static int have_last;

static float angle(void)
{
#if DT_SENSOR == DT_SENSOR_ENCODER
    noInterrupts();
    int32_t c = enc_count;
    interrupts();
    return (float)c * DT_ENC_RAD_PER_COUNT;
#else
    return (float)(analogRead(DT_PIN_POT) - DT_POT_CENTRE) * DT_POT_RAD_PER_COUNT;
#endif
}

static int32_t to_q12(float v)
{
    float s = v * q12;
    if (s > 2147483000.0f) return 2147483000;
    if (s < -2147483000.0f) return -2147483000;
    return (int32_t)lroundf(s);
}

extern "C" {

int dt_hal_init(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    Serial.begin(DT_BAUD);
#if DT_SENSOR == DT_SENSOR_ENCODER
    pinMode(DT_PIN_ENC_A, INPUT_PULLUP);
    pinMode(DT_PIN_ENC_B, INPUT_PULLUP);
    attachInterrupt(digitalPinToInterrupt(DT_PIN_ENC_A), enc_isr, RISING);
#endif
#if DT_ACTUATOR == DT_ACT_SERVO
    servo.attach(DT_PIN_SERVO);
#else
    pinMode(DT_PIN_DIR, OUTPUT);
    pinMode(DT_PIN_PWM, OUTPUT);
#endif
    dt_hal_safe();
    t0_us = micros();
    return 0;
}

uint32_t dt_hal_millis(void) { return millis(); }
uint32_t dt_hal_micros(void) { return micros(); }

int dt_hal_read(uint8_t *buf, uint32_t cap, uint32_t wait_us)
{
    uint32_t start = micros();
    while (!Serial.available()) {
        if (micros() - start >= wait_us) return 0;
        yield();
    }
    uint32_t n = 0;
    while (n < cap && Serial.available()) buf[n++] = (uint8_t)Serial.read();
    return (int)n;
}

void dt_hal_write(const uint8_t *p, uint32_t n) { Serial.write(p, n); }

int dt_hal_local_loop(void) { return 1; }

int dt_hal_sense(int32_t *values, int n)
{
    if (n != 5) return -1; /* 4 features + 1 PD command */
    uint32_t now = micros();
    float t = (float)(now - t0_us) * 1e-6f;
    float a1 = two_pi * 0.5f * t, a2 = two_pi * 1.5f * t + 1.0f;
    float r = 1.5f * sinf(a1) + 0.5f * sinf(a2);
    float rv = 1.5f * two_pi * 0.5f * cosf(a1) + 0.5f * two_pi * 1.5f * cosf(a2);
    float ra = -1.5f * powf(two_pi * 0.5f, 2) * sinf(a1) - 0.5f * powf(two_pi * 1.5f, 2) * sinf(a2);
    float q = angle();
    float dq = 0.0f;
    if (have_last && now != last_us) dq = (q - last_angle) / ((float)(now - last_us) * 1e-6f);
    last_angle = q;
    last_us = now;
    have_last = 1;
    float u_pd = kp * (r - q) + kd * (rv - dq);
    values[0] = to_q12(r / 2.0f);
    values[1] = to_q12(rv / 5.0f);
    values[2] = to_q12(ra / 20.0f);
    values[3] = to_q12(tanhf(rv / 0.5f));
    values[4] = to_q12(u_pd / out_scale);
    return 0;
}

void dt_hal_actuate(const int32_t *u, int n)
{
    if (n < 1) return;
    float v = (float)u[0] / q12 * out_scale; /* volts (PWM) or degrees (servo) */
#if DT_ACTUATOR == DT_ACT_SERVO
    servo.write((int)lroundf(DT_SERVO_CENTRE_DEG + v));
#else
    float duty = fabsf(v) / DT_SUPPLY_V;
    if (duty > 1.0f) duty = 1.0f;
    digitalWrite(DT_PIN_DIR, v >= 0.0f ? HIGH : LOW);
    analogWrite(DT_PIN_PWM, (int)lroundf(duty * 255.0f));
#endif
}

void dt_hal_safe(void)
{
#if DT_ACTUATOR == DT_ACT_SERVO
    servo.write((int)DT_SERVO_CENTRE_DEG);
#else
    analogWrite(DT_PIN_PWM, 0);
#endif
}

#if defined(ARDUINO_ARCH_ESP32)
/* NVS via Preferences: one key per blob in the namespace "deeptrace". putBytes of one buffer is
 * atomic in NVS; blobs made of several parts are written part 0 only when there is one part. */
int dt_hal_store_put(const char *key, const dt_span *parts, int nparts)
{
    Preferences p;
    if (nparts != 1 || !p.begin("deeptrace", false)) return -1;
    size_t w = p.putBytes(key, parts[0].p, parts[0].n);
    p.end();
    return w == parts[0].n ? 0 : -1;
}

int32_t dt_hal_store_get(const char *key, uint8_t *buf, uint32_t cap)
{
    Preferences p;
    if (!p.begin("deeptrace", true)) return -1;
    size_t n = p.getBytesLength(key);
    int32_t r = (n == 0 || n > cap) ? -1 : (int32_t)p.getBytes(key, buf, n);
    p.end();
    return r;
}
#else
int dt_hal_store_put(const char *key, const dt_span *parts, int nparts) { (void)key; (void)parts; (void)nparts; return -1; }
int32_t dt_hal_store_get(const char *key, uint8_t *buf, uint32_t cap) { (void)key; (void)buf; (void)cap; return -1; }
#endif

/* In-place blobs for the core upload (dt_hal.h): not written yet on any board, so CORE_UPLOAD
 * answers E_UPLOAD_STORE. What a port needs: two flash slots of DT_UPLOAD_MAX for "core" and a
 * small record saying which one is committed. ESP32: a data partition with esp_partition_erase_range
 * / esp_partition_write and esp_partition_mmap for the in-place pointer; RP2040: flash_range_erase /
 * flash_range_program with interrupts off, read through XIP_BASE; SAMD51: NVMCTRL page writes,
 * read at the flash address. */
int dt_hal_store_begin(const char *key, uint32_t size) { (void)key; (void)size; return -1; }
int dt_hal_store_write(const char *key, uint32_t off, const uint8_t *p, uint32_t n) { (void)key; (void)off; (void)p; (void)n; return -1; }
const uint8_t *dt_hal_store_candidate(const char *key, uint32_t *o_len) { (void)key; (void)o_len; return NULL; }
int dt_hal_store_commit(const char *key) { (void)key; return -1; }
const uint8_t *dt_hal_store_map(const char *key, uint32_t *o_len) { (void)key; (void)o_len; return NULL; }

void dt_hal_log(const char *msg)
{
#if defined(DT_LOG_SERIAL1)
    Serial1.println(msg); /* never on Serial: that is the protocol link */
#else
    (void)msg;
#endif
}

} /* extern "C" */
