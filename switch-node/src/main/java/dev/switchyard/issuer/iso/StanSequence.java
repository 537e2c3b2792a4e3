package dev.switchyard.issuer.iso;

import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;

/**
 * System trace audit numbers (field 11) of one link: from 000001 to 999999, wrapping, starting again each UTC day.
 * Unique among a link's requests in flight, which is what matching responses needs.
 */
final class StanSequence {

  private final Clock clock;
  private LocalDate day;
  private int last;

  StanSequence(Clock clock) {
    this.clock = clock;
  }

  synchronized String next() {
    LocalDate today = LocalDate.now(clock.withZone(ZoneOffset.UTC));
    if (!today.equals(day)) {
      day = today;
      last = 0;
    }
    last = last % 999_999 + 1;
    return String.format("%06d", last);
  }
}
