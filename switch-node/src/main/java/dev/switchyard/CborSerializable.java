package dev.switchyard;

/**
 * Marker for messages that cross nodes as Jackson CBOR (commands to sharded entities). Bound in
 * {@code serialization.conf}. Persisted data never uses it: events and snapshots are Protobuf.
 */
public interface CborSerializable {}
