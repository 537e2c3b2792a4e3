package dev.switchyard.issuer.iso;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** A link's STANs: consecutive within its blocks, the next block reserved ahead, a new one each day. */
class StanSequenceTest {

  /** Blocks of another node's making: each reservation skips the numbers "another node" took. */
  private static final class Recording implements StanBlocks {
    final List<String> reserved = new ArrayList<>();
    int next = 1;

    @Override
    public synchronized int reserve(String route, LocalDate day, int count) {
      reserved.add(route + "@" + day);
      int first = next;
      next += count * 2;
      return first;
    }
  }

  private static final class MovableClock extends Clock {
    final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-12-01T23:59:00Z"));

    @Override
    public ZoneOffset getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now.get();
    }
  }

  @Test
  void stansRunThroughEachReservedBlockAndANewDayReservesAgain() {
    Recording blocks = new Recording();
    MovableClock clock = new MovableClock();
    StanSequence stans = new StanSequence("issuer-a", clock, blocks, 10, Runnable::run);
    List<String> sent = new ArrayList<>();
    for (int i = 0; i < 25; i++) {
      sent.add(stans.next());
    }
    assertThat(sent).startsWith("000001", "000002").contains("000010", "000021", "000030", "000041");
    assertThat(sent).as("never a number of the blocks another node took").doesNotContain("000011", "000020");
    assertThat(sent).doesNotHaveDuplicates();
    // The first block at once; each next one once half of the current one is used, three in 25 STANs.
    assertThat(blocks.reserved).as("the next block reserved ahead, one at a time").hasSize(4)
        .allMatch(r -> r.equals("issuer-a@2026-12-01"));

    clock.now.set(Instant.parse("2026-12-02T00:00:01Z"));
    String first = stans.next();
    assertThat(blocks.reserved.get(blocks.reserved.size() - 1)).isEqualTo("issuer-a@2026-12-02");
    assertThat(first).as("a new day's block, not yesterday's reserved ahead")
        .isEqualTo(String.format("%06d", blocks.next - 20));
  }

  @Test
  void theInMemoryBlocksOfOneProcessNeverRepeatADaysNumberUntilTheyAreUsedUp() {
    StanBlocks blocks = StanBlocks.inMemory();
    LocalDate day = LocalDate.of(2026, 12, 1);
    assertThat(blocks.reserve("r", day, 1_000)).isEqualTo(1);
    assertThat(blocks.reserve("r", day, 1_000)).isEqualTo(1_001);
    assertThat(blocks.reserve("other", day, 1_000)).isEqualTo(1);
    assertThat(blocks.reserve("r", day.plusDays(1), 1_000)).isEqualTo(1);
  }
}
