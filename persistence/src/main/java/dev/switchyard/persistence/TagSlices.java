package dev.switchyard.persistence;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Events are tagged into a fixed number of slices so that readers (mirrors, the deadline projection) can run in
 * parallel and resume by offset. A payment's events always land in the same slice, so per-payment order holds
 * within a slice. The number of slices is fixed for the life of a journal: changing it re-homes payments to
 * other tags, and readers would miss or repeat events.
 */
public record TagSlices(String prefix, int count) {

  public TagSlices {
    if (count < 1 || count > 1024) {
      throw new IllegalArgumentException("tag slice count must be 1..1024, was " + count);
    }
    if (prefix == null || prefix.isBlank()) {
      throw new IllegalArgumentException("tag prefix must not be blank");
    }
  }

  /** The slice of a persistence id or payment id: a stable hash that does not depend on the JVM. */
  public int sliceOf(String id) {
    int h = 0;
    for (byte b : id.getBytes(StandardCharsets.UTF_8)) {
      h = 31 * h + (b & 0xff);
    }
    return Math.floorMod(h, count);
  }

  public String tagFor(String id) {
    return tag(sliceOf(id));
  }

  public String tag(int slice) {
    return prefix + "-" + slice;
  }

  public List<String> allTags() {
    return IntStream.range(0, count).mapToObj(this::tag).toList();
  }
}
