// Reading back an MCAP file written by `run --mcap` (test/loop/mcap.test.ts, test/cli/serial-cli.test.ts).
import { open } from 'node:fs/promises';
import { McapIndexedReader } from '@mcap/core';

export interface McapRead {
  reader: McapIndexedReader;
  byTopic: Map<string, { logTime: bigint; sequence: number; data: any }[]>;
}

/** Reads an MCAP file through a file handle: its summary, and every message per topic (JSON-decoded), in log-time order. */
export async function readMcap(file: string): Promise<McapRead> {
  const fh = await open(file, 'r');
  const size = BigInt((await fh.stat()).size);
  const reader = await McapIndexedReader.Initialize({
    readable: {
      size: async () => size,
      read: async (offset, length) => {
        const buf = new Uint8Array(Number(length));
        await fh.read(buf, 0, buf.length, Number(offset));
        return buf;
      },
    },
  });
  const byTopic = new Map<string, { logTime: bigint; sequence: number; data: any }[]>();
  const decoder = new TextDecoder();
  for await (const m of reader.readMessages()) {
    const topic = reader.channelsById.get(m.channelId)!.topic;
    if (!byTopic.has(topic)) byTopic.set(topic, []);
    byTopic.get(topic)!.push({ logTime: m.logTime, sequence: m.sequence, data: JSON.parse(decoder.decode(m.data)) });
  }
  await fh.close();
  return { reader, byTopic };
}
