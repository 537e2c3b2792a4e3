package dev.switchyard.loadtest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchyard.protocol.Luhn;
import dev.switchyard.protocol.v1.ResultCode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GeneratorLogicTest {

  private static LoadRunner.Settings settings(double rate) {
    return new LoadRunner.Settings(List.of(), rate, Duration.ofSeconds(10), Duration.ZERO, 1,
        List.of(new LoadRunner.Credentials("demo", "x")), Workload.AUTHORIZE, Duration.ofSeconds(1), 1);
  }

  @Test
  void arrivalsAreDueAtAFixedRateIndependentOfAnswers() {
    Pacer pacer = new Pacer(0, 400);
    assertThat(pacer.nextDue()).isEqualTo(0);
    assertThat(pacer.nextDue()).isEqualTo(2_500_000);
    assertThat(pacer.nextDue()).isEqualTo(5_000_000);
    assertThat(pacer.dueNanos(400)).isEqualTo(1_000_000_000L);
    assertThat(pacer.arrivalsWithin(1_000_000_000L)).isEqualTo(400);
  }

  @Test
  void aFakeClockSleepsExactlyToTheDueTime() {
    FakeClock clock = new FakeClock();
    Pacer pacer = new Pacer(clock.nanoTime(), 1000);
    pacer.nextDue();
    long due = pacer.nextDue();
    clock.sleepUntil(due);
    assertThat(clock.nanoTime()).isEqualTo(due);
  }

  @Test
  void latencyIsMeasuredFromTheIntendedSendTimeSoAStallCountsForEveryoneWhoWaited() {
    // 100 arrivals/s for 10 s; the server stalls for 1 s at t = 5 s: every request due during the stall is
    // answered at its end. Measured from the send time they would look fast; from the due time they do not.
    FakeClock clock = new FakeClock();
    long start = clock.nanoTime();
    Pacer pacer = new Pacer(start, 100);
    Stats stats = new Stats(start, 10);
    long stallStart = start + 5_000_000_000L;
    long stallEnd = stallStart + 1_000_000_000L;
    for (int i = 0; i < 1000; i++) {
      long due = pacer.nextDue();
      long answeredAt = due >= stallStart && due < stallEnd ? stallEnd : due + 1_000_000L;
      stats.answered(Stats.Op.AUTHORIZE, ResultCode.APPROVED, due, answeredAt, false);
    }
    var h = stats.histogram(Stats.Op.AUTHORIZE);
    assertThat(h.getTotalCount()).isEqualTo(1000);
    assertThat(h.getValueAtPercentile(50)).isBetween(990L, 1010L); // 1 ms in microseconds
    assertThat(h.getValueAtPercentile(99)).isGreaterThan(800_000L);
    assertThat(h.getMaxValue()).isGreaterThanOrEqualTo(995_000L);
  }

  @Test
  void aRunWithMissingAnswersErrorsOrAShortfallIsNeverGood() {
    FakeClock clock = new FakeClock();
    Stats stats = new Stats(clock.nanoTime(), 10);
    for (int i = 0; i < 90; i++) {
      stats.sent();
      stats.answered(Stats.Op.AUTHORIZE, i == 0 ? ResultCode.OVERLOADED : ResultCode.APPROVED,
          clock.nanoTime(), clock.nanoTime() + 2_000_000, i == 0);
    }
    RunResult result = RunResult.of(settings(10), stats, 100, 10, 9.9, 0);
    assertThat(result.good()).isFalse();
    assertThat(result.problems()).anySatisfy(p -> assertThat(p).contains("10 requests got no answer"));
    assertThat(result.problems()).anySatisfy(p -> assertThat(p).contains("1 answers were errors"));
    assertThat(result.errors()).isEqualTo(1);
  }

  @Test
  void aCleanRunAtTheOfferedRateIsGood() {
    FakeClock clock = new FakeClock();
    Stats stats = new Stats(clock.nanoTime(), 10);
    for (int i = 0; i < 100; i++) {
      stats.sent();
      stats.answered(Stats.Op.AUTHORIZE, ResultCode.APPROVED, clock.nanoTime(), clock.nanoTime() + 3_000_000, false);
    }
    RunResult result = RunResult.of(settings(10), stats, 100, 0, 9.9, 5_000_000);
    assertThat(result.problems()).isEmpty();
    assertThat(result.operations().get(Stats.Op.AUTHORIZE).p50()).isBetween(2.9, 3.1);
  }

  @Test
  void aRateTheGeneratorCouldNotOfferIsReported() {
    Stats stats = new Stats(0, 10);
    RunResult result = RunResult.of(settings(1000), stats, 10_000, 0, 20.0, 0);
    assertThat(result.problems()).anySatisfy(p -> assertThat(p).contains("offered rate not reached"));
  }

  @Test
  void theReportHasTextJsonAndAnHtmlPageWithPlotsAndProblemsFirst(@TempDir Path dir) throws Exception {
    FakeClock clock = new FakeClock();
    Stats stats = new Stats(clock.nanoTime(), 10);
    SplittableRandom random = new SplittableRandom(3);
    for (int i = 0; i < 500; i++) {
      stats.sent();
      long due = clock.nanoTime() + i * 20_000_000L;
      stats.answered(i % 2 == 0 ? Stats.Op.AUTHORIZE : Stats.Op.CAPTURE, ResultCode.APPROVED, due,
          due + 1_000_000 + random.nextInt(5_000_000), false);
    }
    RunResult bad = RunResult.of(settings(50), stats, 500, 3, 9.9, 0);
    String text = Report.write(dir, "test run", List.of(bad));
    assertThat(text.indexOf("NOT A GOOD RUN")).isLessThan(text.indexOf("operation"));
    assertThat(Files.readString(dir.resolve("result.json"))).contains("\"problems\"").contains("\"p99\"");
    String html = Files.readString(dir.resolve("report.html"));
    assertThat(html).contains("<svg").contains("<polyline").contains("Not a good run").contains("authorize")
        .contains("capture");
    assertThat(html.indexOf("Not a good run")).isLessThan(html.indexOf("<svg"));
  }

  @Test
  void generatedCardNumbersPassLuhnAndBrokenOnesDoNot() {
    SplittableRandom random = new SplittableRandom(7);
    for (int i = 0; i < 100; i++) {
      assertThat(Luhn.isValid(Workload.Cards.pan(random))).isTrue();
      assertThat(Luhn.isValid(Workload.Cards.badLuhn(random))).isFalse();
    }
  }

  @Test
  void amountsAvoidTheSimulatedIssuersDeclineSuffixes() {
    SplittableRandom random = new SplittableRandom(9);
    for (int i = 0; i < 10_000; i++) {
      assertThat(Workload.amount(random) % 100).isNotIn(5L, 13L, 51L, 54L, 59L, 62L, 91L);
    }
  }
}
