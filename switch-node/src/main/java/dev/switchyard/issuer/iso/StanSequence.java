package dev.switchyard.issuer.iso;

import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * System trace audit numbers (field 11) of one link, from blocks reserved per route and UTC day
 * ({@link StanBlocks}). The next block is reserved in the background once half of the current one is used, so a
 * request rarely waits for a reservation (only on a new day, or when the background one failed).
 */
final class StanSequence {

  private static final Logger log = LoggerFactory.getLogger(StanSequence.class);

  private record Block(LocalDate day, int first) {}

  private final String route;
  private final Clock clock;
  private final StanBlocks blocks;
  private final int size;
  private final Executor background;
  private LocalDate day;
  private int next;
  private int end;
  private CompletableFuture<Block> reserved;

  StanSequence(String route, Clock clock, StanBlocks blocks, int size, Executor background) {
    this.route = route;
    this.clock = clock;
    this.blocks = blocks;
    this.size = size;
    this.background = background;
  }

  synchronized String next() {
    LocalDate today = LocalDate.now(clock.withZone(ZoneOffset.UTC));
    if (!today.equals(day) || next > end) {
      Block block = take(today);
      day = today;
      next = block.first();
      end = block.first() + size - 1;
    }
    int stan = next++;
    if (reserved == null && end - next < size / 2) {
      LocalDate of = today;
      reserved = CompletableFuture.supplyAsync(() -> new Block(of, blocks.reserve(route, of, size)), background);
    }
    return String.format("%06d", stan);
  }

  /** The block reserved in the background if it is today's and came through; else one reserved now. */
  private Block take(LocalDate today) {
    CompletableFuture<Block> ahead = reserved;
    reserved = null;
    if (ahead != null) {
      try {
        Block block = ahead.join();
        if (block.day().equals(today)) {
          return block;
        }
      } catch (RuntimeException e) {
        log.warn("Issuer route {}: reserving STANs in the background failed ({}); reserving now", route,
            e.toString());
      }
    }
    return new Block(today, blocks.reserve(route, today, size));
  }
}
