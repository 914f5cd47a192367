// deeptrace/client: a device (firmware or the virtual device) over serial: the session, snapshot
// files, and the closed loop with the learner on the device.
export * from '../host/client/index.ts';
