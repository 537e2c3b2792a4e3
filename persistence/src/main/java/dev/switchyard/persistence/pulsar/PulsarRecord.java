package dev.switchyard.persistence.pulsar;

import java.util.Map;

/**
 * One message to publish: its key (ordering and Key_Shared routing), payload, event time, properties, and the
 * producer sequence id the broker deduplicates on ({@link #NO_SEQUENCE_ID} lets the client number it).
 */
public record PulsarRecord(
    String key, byte[] value, long eventTimeMillis, long sequenceId, Map<String, String> properties) {

  public static final long NO_SEQUENCE_ID = -1;

  public PulsarRecord {
    properties = Map.copyOf(properties);
  }

  public static PulsarRecord of(String key, byte[] value, Map<String, String> properties) {
    return new PulsarRecord(key, value, 0, NO_SEQUENCE_ID, properties);
  }
}
