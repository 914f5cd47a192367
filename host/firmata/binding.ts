// An in-process serial binding for @serialport/stream: opening a path connects the port to a device
// registered under that path in this process (the emulated Uno), instead of to a tty. The device
// sees the host's bytes as they are written and hands its own bytes back through a sink; the port
// satisfies the binding contract (a read resolves with at least one byte, pending reads and writes
// fail with `canceled` on close).

// The binding contract of @serialport/bindings-interface, restated: that package's exports map
// hides its declarations from NodeNext resolution.
export interface OpenOptions {
  path: string;
  baudRate: number;
  dataBits?: 5 | 6 | 7 | 8;
  lock?: boolean;
  stopBits?: 1 | 1.5 | 2;
  parity?: string;
  rtscts?: boolean;
  xon?: boolean;
  xoff?: boolean;
  xany?: boolean;
  hupcl?: boolean;
}
export interface SetOptions { brk?: boolean; cts?: boolean; dsr?: boolean; dtr?: boolean; rts?: boolean }
export interface UpdateOptions { baudRate: number }
export interface PortStatus { cts: boolean; dsr: boolean; dcd: boolean }
export interface PortInfo {
  path: string;
  manufacturer: string | undefined;
  serialNumber: string | undefined;
  pnpId: string | undefined;
  locationId: string | undefined;
  productId: string | undefined;
  vendorId: string | undefined;
}
export interface BindingPortInterface {
  readonly openOptions: Required<OpenOptions>;
  isOpen: boolean;
  close(): Promise<void>;
  read(buffer: Buffer, offset: number, length: number): Promise<{ buffer: Buffer; bytesRead: number }>;
  write(buffer: Buffer): Promise<void>;
  update(options: UpdateOptions): Promise<void>;
  set(options: SetOptions): Promise<void>;
  get(): Promise<PortStatus>;
  getBaudRate(): Promise<{ baudRate: number }>;
  flush(): Promise<void>;
  drain(): Promise<void>;
}
export interface BindingInterface<T extends BindingPortInterface = BindingPortInterface> {
  list(): Promise<PortInfo[]>;
  open(options: OpenOptions): Promise<T>;
}

export interface SerialDevice {
  /** The host opened the port: start talking into `sink` (at `baudRate`, as the host set it). */
  open(sink: (bytes: Uint8Array) => void, baudRate: number): void;
  /** Bytes the host wrote. */
  write(bytes: Uint8Array): void;
  /** The host closed the port. */
  close(): void;
  /** Modem-line changes (DTR falling resets an Uno); optional. */
  set?(flags: SetOptions): void;
}

const devices = new Map<string, SerialDevice>();

/** Make `device` openable at `path`; returns the function that removes it. */
export function registerDevice(path: string, device: SerialDevice): () => void {
  if (devices.has(path)) throw new Error(`serial device '${path}' is already registered`);
  devices.set(path, device);
  return () => {
    if (devices.get(path) === device) devices.delete(path);
  };
}

function canceled(what: string): Error & { canceled: true } {
  return Object.assign(new Error(`${what}: port closed`), { canceled: true as const });
}

class InProcessPort implements BindingPortInterface {
  isOpen = true;
  private readonly chunks: Uint8Array[] = [];
  private waiting: { resolve: () => void; reject: (e: Error) => void } | null = null;
  private baudRate: number;

  constructor(readonly openOptions: Required<OpenOptions>, private readonly device: SerialDevice) {
    this.baudRate = openOptions.baudRate;
    device.open((bytes) => {
      if (!this.isOpen || bytes.length === 0) return;
      this.chunks.push(bytes.slice());
      const w = this.waiting;
      this.waiting = null;
      w?.resolve();
    }, this.baudRate);
  }

  async close(): Promise<void> {
    if (!this.isOpen) throw new Error('port is not open');
    this.isOpen = false;
    this.device.close();
    const w = this.waiting;
    this.waiting = null;
    w?.reject(canceled('read'));
  }

  async read(buffer: Buffer, offset: number, length: number): Promise<{ buffer: Buffer; bytesRead: number }> {
    if (!this.isOpen) throw canceled('read');
    while (this.chunks.length === 0) {
      if (this.waiting) throw new Error('read: a read is already pending');
      await new Promise<void>((resolve, reject) => {
        this.waiting = { resolve, reject };
      });
    }
    let n = 0;
    while (n < length && this.chunks.length > 0) {
      const c = this.chunks[0];
      const take = Math.min(length - n, c.length);
      buffer.set(c.subarray(0, take), offset + n);
      n += take;
      if (take === c.length) this.chunks.shift();
      else this.chunks[0] = c.subarray(take);
    }
    return { buffer, bytesRead: n };
  }

  async write(buffer: Buffer): Promise<void> {
    if (!this.isOpen) throw canceled('write');
    if (buffer.length > 0) this.device.write(Uint8Array.from(buffer));
  }

  async update(options: UpdateOptions): Promise<void> {
    if (!this.isOpen) throw new Error('port is not open');
    this.baudRate = options.baudRate;
  }

  async set(options: SetOptions): Promise<void> {
    if (!this.isOpen) throw new Error('port is not open');
    this.device.set?.(options);
  }

  async get(): Promise<PortStatus> {
    if (!this.isOpen) throw new Error('port is not open');
    return { cts: true, dsr: true, dcd: true };
  }

  async getBaudRate(): Promise<{ baudRate: number }> {
    if (!this.isOpen) throw new Error('port is not open');
    return { baudRate: this.baudRate };
  }

  async flush(): Promise<void> {
    this.chunks.length = 0;
  }

  async drain(): Promise<void> {}
}

/** The binding to pass to `new SerialPortStream({ binding: InProcessBinding, path, baudRate })`. */
export const InProcessBinding: BindingInterface<InProcessPort> = {
  async list(): Promise<PortInfo[]> {
    return [...devices.keys()].map((path) => ({
      path, manufacturer: 'deeptrace (in-process)', serialNumber: undefined, pnpId: undefined, locationId: undefined, productId: undefined, vendorId: undefined,
    }));
  },
  async open(options: OpenOptions): Promise<InProcessPort> {
    const device = devices.get(options.path);
    if (!device) throw new Error(`no in-process serial device at '${options.path}' (registered: ${[...devices.keys()].join(', ') || 'none'})`);
    const full: Required<OpenOptions> = {
      dataBits: 8, lock: true, stopBits: 1, parity: 'none', rtscts: false, xon: false, xoff: false, xany: false, hupcl: true,
      ...options,
    } as Required<OpenOptions>;
    return new InProcessPort(full, device);
  },
};
