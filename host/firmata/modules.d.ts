// johnny-five and firmata-io ship no type declarations; the rig uses a small, loosely typed surface.
declare module 'johnny-five' {
  const five: {
    Board: new (options: Record<string, unknown>) => import('node:events').EventEmitter & { io: any; isReady: boolean };
    Sensor: new (options: Record<string, unknown>) => import('node:events').EventEmitter & { raw: number | null; value: number | null; disable(): void };
    Motor: new (options: Record<string, unknown>) => import('node:events').EventEmitter & { forward(speed: number): void; reverse(speed: number): void; stop(): void };
    Led: new (options: Record<string, unknown>) => import('node:events').EventEmitter & { brightness(v: number): void; on(): void; off(): void };
    [component: string]: any;
  };
  export default five;
}

declare module 'firmata-io' {
  const bind: { (transport: unknown): any; Firmata: any };
  export default bind;
}
