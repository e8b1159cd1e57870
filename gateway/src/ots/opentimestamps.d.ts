// The part of javascript-opentimestamps (0.4.9, CommonJS, untyped) that the gateway uses.
// Messages are plain arrays of byte values in this library.
declare module 'opentimestamps' {
  type Bytes = number[]
  class Op {
    call(msg: Bytes): Bytes
  }
  class TimeAttestation {}
  class PendingAttestation extends TimeAttestation {
    constructor(uri: string)
    uri: string
  }
  class BitcoinBlockHeaderAttestation extends TimeAttestation {
    constructor(height: number)
    height: number
  }
  class Timestamp {
    constructor(msg: Bytes)
    msg: Bytes
    attestations: TimeAttestation[]
    ops: Map<Op, Timestamp>
    add(op: Op): Timestamp
    merge(other: Timestamp): void
    serialize(ctx: StreamSerialization): void
    static deserialize(ctx: StreamDeserialization, msg: Bytes): Timestamp
    allAttestations(): Map<Bytes, TimeAttestation>
    directlyVerified(): Timestamp[]
    isTimestampComplete(): boolean
  }
  class StreamSerialization {
    getOutput(): Uint8Array
  }
  class StreamDeserialization {
    constructor(bytes: Uint8Array | Bytes)
  }
  class DetachedTimestampFile {
    timestamp: Timestamp
    fileDigest(): Bytes
    serializeToBytes(): Uint8Array
    static fromHash(op: Op, digest: Bytes): DetachedTimestampFile
    static deserialize(bytes: Uint8Array | Bytes): DetachedTimestampFile
  }
  class RemoteCalendar {
    constructor(url: string)
    submit(digest: Bytes): Promise<Timestamp>
    getTimestamp(commitment: Bytes): Promise<Timestamp>
  }
  class UrlWhitelist {
    constructor(urls?: string[])
    add(url: string): void
    contains(url: string): boolean
  }
  const OpenTimestamps: {
    Ops: {
      OpSHA256: new () => Op
      OpAppend: new (arg: Bytes) => Op
      OpPrepend: new (arg: Bytes) => Op
    }
    Notary: {
      PendingAttestation: typeof PendingAttestation
      BitcoinBlockHeaderAttestation: typeof BitcoinBlockHeaderAttestation
    }
    Timestamp: typeof Timestamp
    DetachedTimestampFile: typeof DetachedTimestampFile
    Context: {
      StreamSerialization: typeof StreamSerialization
      StreamDeserialization: typeof StreamDeserialization
    }
    Calendar: { RemoteCalendar: typeof RemoteCalendar; UrlWhitelist: typeof UrlWhitelist }
    verifyTimestamp(
      timestamp: Timestamp,
      options: { ignoreBitcoinNode?: boolean; url?: string; timeout?: number },
    ): Promise<Record<string, { timestamp: number; height: number }>>
    upgradeTimestamp(
      timestamp: Timestamp,
      options: { whitelist?: UrlWhitelist; calendars?: string[] },
    ): Promise<boolean>
    info(detached: DetachedTimestampFile): string
  }
  export default OpenTimestamps
}
