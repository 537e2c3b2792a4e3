package dev.switchyard.risk;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** A key's windows: what falls in the last minute, hour and day, each payment once. */
class VelocityWindowsTest {

  private static final long T0 = 1_800_000_000_000L;

  @Test
  void eachWindowCountsWhatFallsInItAndOnlyItsCurrencysAmount() {
    VelocityWindows w = new VelocityWindows();
    w.observe("p1", T0, 100, "EUR", "");
    w.observe("p2", T0 + 30 * 60_000L, 200, "EUR", "");
    w.observe("p3", T0 + 2 * 3_600_000L, 300, "USD", "");
    Velocity.Counts c = w.observe("p4", T0 + 2 * 3_600_000L + 10_000, 400, "EUR", "");
    assertThat(c.count()).containsExactly(2, 2, 4);
    assertThat(c.amount()).as("EUR only").containsExactly(400, 400, 700);
    Velocity.Counts nextDay = w.observe("p5", T0 + 25 * 3_600_000L, 1, "EUR", "");
    assertThat(nextDay.count()).as("the first two are more than 24 hours old").containsExactly(1, 1, 3);
  }

  @Test
  void thePaymentAskedAgainCountsOnce() {
    VelocityWindows w = new VelocityWindows();
    w.observe("p1", T0, 100, "EUR", "d1");
    Velocity.Counts again = w.observe("p1", T0 + 1_000, 100, "EUR", "d1");
    assertThat(again.count()).containsExactly(1, 1, 1);
    assertThat(again.amount()).containsExactly(100, 100, 100);
  }

  @Test
  void linkedKeysAreDistinctAndAgeOutOfTheirWindow() {
    VelocityWindows w = new VelocityWindows();
    w.observe("p1", T0, 1, "EUR", "card-a");
    w.observe("p2", T0 + 1_000, 1, "EUR", "card-b");
    w.observe("p3", T0 + 2_000, 1, "EUR", "card-a");
    Velocity.Counts inTheHour = w.observe("p4", T0 + 2 * 60_000L, 1, "EUR", "card-c");
    assertThat(inTheHour.linked()).as("card-a twice is one card").containsExactly(1, 3, 3);
  }

  @Test
  void declinesInARowEndWithAnApproval() {
    VelocityWindows w = new VelocityWindows();
    w.outcome(false);
    w.outcome(false);
    assertThat(w.counts(T0, "EUR").declinesInARow()).isEqualTo(2);
    w.outcome(true);
    w.outcome(false);
    assertThat(w.counts(T0, "EUR").declinesInARow()).isEqualTo(1);
  }
}
