// Serial line rates. Kept apart from serial.ts (which loads serialport's native binding) so the CLI's
// option parsers can check --baud without loading it.

/** What every serial command opens its port at unless --baud says otherwise (the firmware's DT_BAUD). */
export const DEFAULT_BAUD = 115200;

/** StandardFirmata's rate: what `deeptrace firmata --port` and `run --firmata` open a real board at. */
export const FIRMATA_BAUD = 57600;

/**
 * The rates --baud takes: those with a POSIX termios constant (B50 ... B4000000) that
 * @serialport/bindings-cpp 13 maps on Linux (ToBaudConstant in src/serialport_unix.cpp; 460800 and
 * up are Linux constants, which macOS sets through IOSSIOSPEED). 0 (B0) would hang up the line, so it
 * is not here. The bindings would also pass any other rate to the kernel as a custom one (termios2
 * BOTHER): whether a UART can do it depends on its driver, so those, and the Windows-only CBR_14400,
 * CBR_128000 and CBR_256000, are refused.
 */
export const BAUD_RATES: readonly number[] = [
  50, 75, 110, 134, 150, 200, 300, 600, 1200, 1800, 2400, 4800, 9600, 19200, 38400, 57600, 115200, 230400,
  460800, 500000, 576000, 921600, 1000000, 1152000, 1500000, 2000000, 2500000, 3000000, 3500000, 4000000,
];
