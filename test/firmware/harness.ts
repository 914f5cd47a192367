// Host harness for the firmware tests: builds with make, runs the native firmware on one end of a
// socat pty pair (or qemu-system-arm behind a UNIX socket), and talks the protocol to it with the
// host codec (host/protocol/). Also the closed loop of the arm2 task with the plant simulated here.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, openSync, readFileSync, rmSync, writeSync, closeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import tty from 'node:tty';
import { repoRoot } from '../helpers.ts';
import { MessageDecoder } from '../../host/protocol/decoder.ts';
import { encodeMessage, type Envelope, type Message } from '../../host/protocol/messages.ts';
import { Status, statusName } from '../../host/protocol/codes.ts';
import { toBlock, type CoreConfig } from '../../host/core/config.ts';

export const fwDir = path.join(repoRoot, 'firmware');
export const fwBuild = path.join(fwDir, 'build');

/** Runs `make -C firmware TARGETS`; throws with make's output on failure. */
export function make(...targets: string[]): void {
  const r = spawnSync('make', ['-s', '-C', fwDir, ...targets], { encoding: 'utf8', timeout: 300_000 });
  if (r.status !== 0) throw new Error(`make ${targets.join(' ')} failed:\n${r.stdout}\n${r.stderr}`);
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

async function waitFor(cond: () => boolean, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

/** A byte link to a device: the host end of a pty. serialport when installed, else a raw tty fd. */
interface ByteLink {
  write(b: Uint8Array): void;
  close(): Promise<void>;
}

async function openLink(file: string, onData: (b: Uint8Array) => void): Promise<ByteLink> {
  try {
    const { SerialPort } = await import('serialport');
    const port = new SerialPort({ path: file, baudRate: 115200, autoOpen: false });
    await new Promise<void>((res, rej) => port.open((e) => (e ? rej(e) : res())));
    port.on('data', (d: Buffer) => onData(d));
    return {
      write: (b) => void port.write(Buffer.from(b)),
      close: () => new Promise<void>((res) => (port.isOpen ? port.close(() => res()) : res())),
    };
  } catch (e) {
    if ((e as { code?: string }).code !== 'ERR_MODULE_NOT_FOUND') throw e;
  }
  const fd = openSync(file, 'r+');
  const rs = new tty.ReadStream(fd);
  rs.setRawMode(true);
  rs.on('data', (d: Buffer) => onData(d));
  return {
    write: (b) => void writeSync(fd, b),
    close: async () => {
      rs.destroy();
      try { closeSync(fd); } catch { /* already closed by the stream */ }
    },
  };
}

/** Protocol client over a ByteLink: sends messages, collects received envelopes. */
export class Client {
  readonly inbox: Envelope[] = [];
  readonly rejected: string[] = [];
  private seq = 0;
  private readonly decoder = new MessageDecoder({
    onMessage: (e) => this.inbox.push(e),
    onReject: (r) => this.rejected.push(r.reason),
  });
  private link!: ByteLink;

  static async open(file: string): Promise<Client> {
    const c = new Client();
    c.link = await openLink(file, (b) => c.decoder.push(b));
    c.link.write(Uint8Array.of(0)); // a delimiter before the first frame (protocol section 1)
    return c;
  }

  send(m: Message, ackRequested = false): number {
    const seq = this.seq;
    this.seq = (this.seq + 1) & 0xff;
    this.link.write(encodeMessage(m, { seq, ackRequested }));
    return seq;
  }

  /** Raw bytes, for fault injection. */
  sendRaw(b: Uint8Array): void {
    this.link.write(b);
  }

  /** Removes and returns the first received message matching pred, waiting up to ms. */
  async next<T extends Message['type']>(type: T, ms = 2000, pred: (m: Extract<Message, { type: T }>) => boolean = () => true): Promise<Extract<Message, { type: T }>> {
    const end = Date.now() + ms;
    for (;;) {
      const i = this.inbox.findIndex((e) => e.message.type === type && pred(e.message as Extract<Message, { type: T }>));
      if (i >= 0) return this.inbox.splice(i, 1)[0].message as Extract<Message, { type: T }>;
      if (Date.now() > end) throw new Error(`no ${type} within ${ms} ms (inbox: ${this.inbox.map((e) => e.message.type).join(', ') || 'empty'})`);
      await sleep(1);
    }
  }

  /** Sends a command with ACK_REQUESTED and returns the ACK's status. */
  async command(m: Message, ms = 2000): Promise<number> {
    const seq = this.send(m, true);
    const ack = await this.next('ACK', ms, (a) => a.ackedSeq === seq);
    return ack.status;
  }

  /** Like command, but throws unless the status is OK. */
  async ok(m: Message, ms = 2000): Promise<void> {
    const st = await this.command(m, ms);
    if (st !== Status.OK) throw new Error(`${m.type} answered ${statusName(st)}`);
  }

  async hello(ms = 3000): Promise<Extract<Message, { type: 'HELLO' }>> {
    this.inbox.length = 0;
    this.send({ type: 'HELLO', protocolVersion: 1, coreVersion: 0, selfTestChecksum: 0, name: 'test-host' });
    return this.next('HELLO', ms);
  }

  close(): Promise<void> {
    return this.link.close();
  }
}

/** The CONFIGURE payload of docs/protocol.md section 9. */
export function configurePayload(cfg: CoreConfig, o: { telemetryEvery?: number; watchdogMs?: number; amp?: [number, number, number] } = {}): Uint8Array {
  const words = toBlock(cfg);
  const b = Buffer.alloc(4 * (words.length + 5));
  words.forEach((v, i) => b.writeInt32LE(v, 4 * i));
  const at = 4 * words.length;
  b.writeUInt32LE(o.telemetryEvery ?? 0, at);
  b.writeUInt32LE(o.watchdogMs ?? 0, at + 4);
  const [a, r, c] = o.amp ?? [4096, 819, 2048];
  b.writeUInt32LE(a, at + 8);
  b.writeUInt32LE(r, at + 12);
  b.writeUInt32LE(c, at + 16);
  return new Uint8Array(b);
}

/** A device process with its pty: socat makes the pair, the firmware opens one end, we the other. */
export class PtyDevice {
  readonly dir = mkdtempSync(path.join(tmpdir(), 'dt-fw-'));
  readonly hostPath = path.join(this.dir, 'host');
  readonly devPath = path.join(this.dir, 'dev');
  stderr = '';
  exited: number | null = null;
  private socat?: ChildProcess;
  private fw?: ChildProcess;

  constructor(private readonly binary: string, private readonly args: string[] = []) {}

  async start(): Promise<void> {
    this.socat = spawn('socat', [`pty,raw,echo=0,link=${this.hostPath}`, `pty,raw,echo=0,link=${this.devPath}`], { stdio: 'ignore' });
    await waitFor(() => existsSync(this.hostPath) && existsSync(this.devPath), 5000, 'socat ptys');
    this.startFirmware();
  }

  startFirmware(): void {
    this.exited = null;
    this.fw = spawn(this.binary, [...this.args, this.devPath], { stdio: ['ignore', 'ignore', 'pipe'] });
    this.fw.stderr!.on('data', (d: Buffer) => (this.stderr += d.toString()));
    this.fw.on('exit', (code) => (this.exited = code ?? -1));
  }

  async stopFirmware(): Promise<void> {
    if (this.fw && this.exited === null) {
      this.fw.kill('SIGTERM');
      await waitFor(() => this.exited !== null, 3000, 'firmware exit');
    }
  }

  async stop(): Promise<void> {
    await this.stopFirmware().catch(() => {});
    this.socat?.kill('SIGTERM');
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/**
 * The Cortex-M4 build under qemu-system-arm -M mps2-an386: UART0 on a UNIX socket chardev with
 * wait=on (QEMU starts the guest only when socat connects, so nothing is lost), socat turning it
 * into a pty; UART1 (the firmware's log) into a file. -icount shift=0: SysTick counts executed
 * instructions, so timing inside the guest is deterministic.
 */
export class QemuDevice {
  readonly dir = mkdtempSync(path.join(tmpdir(), 'dt-qemu-'));
  readonly hostPath = path.join(this.dir, 'host');
  readonly sock = path.join(this.dir, 'uart0.sock');
  readonly logPath = path.join(this.dir, 'uart1.log');
  qemuStderr = '';
  private qemu?: ChildProcess;
  private socat?: ChildProcess;

  constructor(private readonly elf: string) {}

  async start(): Promise<void> {
    this.qemu = spawn('qemu-system-arm', [
      '-M', 'mps2-an386', '-display', 'none', '-monitor', 'none', '-icount', 'shift=0',
      '-kernel', this.elf,
      '-chardev', `socket,id=u0,path=${this.sock},server=on,wait=on`, '-serial', 'chardev:u0',
      '-serial', `file:${this.logPath}`,
    ], { stdio: ['ignore', 'ignore', 'pipe'] });
    this.qemu.stderr!.on('data', (d: Buffer) => (this.qemuStderr += d.toString()));
    await waitFor(() => existsSync(this.sock), 10_000, 'the QEMU UART socket');
    this.socat = spawn('socat', [`PTY,link=${this.hostPath},raw,echo=0`, `UNIX-CONNECT:${this.sock}`], { stdio: 'ignore' });
    await waitFor(() => existsSync(this.hostPath), 5000, 'the socat pty');
  }

  log(): string {
    try {
      return readFileSync(this.logPath, 'utf8');
    } catch {
      return '';
    }
  }

  /** Waits until the log holds `count` lines matching re (global), returns all matches. */
  async waitLog(re: RegExp, count = 1, ms = 5000): Promise<RegExpMatchArray[]> {
    const all = () => [...this.log().matchAll(new RegExp(re.source, 'g'))];
    await waitFor(() => all().length >= count, ms, `${count} log line(s) matching ${re}`);
    return all();
  }

  async stop(): Promise<void> {
    this.socat?.kill('SIGTERM');
    this.qemu?.kill('SIGTERM');
    await sleep(50);
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** RAM as the mps2 firmware logs it after boot and after each run (firmware/src/dt_hal_mps2.c). */
export interface Mps2Ram {
  /** .data + .bss, the AOT core's linear memory included. */
  staticBytes: number;
  /** DT_CORE_MEMORY_BYTES: the core's linear memory (a static buffer). */
  coreMemory: number;
  /** The heap's high-water mark (it never shrinks). */
  heap: number;
  /** The stack's high-water mark, and what the linker script reserves. */
  stack: number;
  stackReserved: number;
}

const RAM_LINE = /ram: static (\d+) B \(core memory (\d+) B\), heap (\d+) B, stack (\d+) B of (\d+) B/;

/** Every RAM line of a log, in order. */
export function parseRam(log: string): Mps2Ram[] {
  return [...log.matchAll(new RegExp(RAM_LINE.source, 'g'))].map((m) => ({
    staticBytes: Number(m[1]), coreMemory: Number(m[2]), heap: Number(m[3]), stack: Number(m[4]), stackReserved: Number(m[5]),
  }));
}

/** The step timing the session logs at STOP (dt_session.c); under -icount shift=0, 1 us = 1000 instructions. */
export interface StepTiming { mode: 'step + learn' | 'step only'; steps: number; meanUs: number; maxUs: number }

export const STEP_LINE = /control step \((step \+ learn|step only)\): (\d+) steps, mean (\d+\.\d+) us, max (\d+) us/;

export function parseStepTiming(log: string): StepTiming[] {
  return [...log.matchAll(new RegExp(STEP_LINE.source, 'g'))].map((m) => ({
    mode: m[1] as StepTiming['mode'], steps: Number(m[2]), meanUs: Number(m[3]), maxUs: Number(m[4]),
  }));
}
