package dev.switchyard.loadtest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchyard.protocol.Luhn;
import dev.switchyard.protocol.v1.ResultCode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GeneratorLogicTest {

  private static LoadRunner.Settings settings(double rate) {
    return new LoadRunner.Settings(List.of(), rate, Duration.ofSeconds(10), Duration.ZERO, 1,
        List.of(new LoadRunner.Credentials("demo", "x")), Workload.AUTHORIZE, Duration.ofSeconds(1), 1, null);
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
    RunResult result = RunResult.of(settings(10), stats, 100, 10, 9.9, 0, null);
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
    RunResult result = RunResult.of(settings(10), stats, 100, 0, 9.9, 5_000_000, null);
    assertThat(result.problems()).isEmpty();
    assertThat(result.operations().get(Stats.Op.AUTHORIZE).p50()).isBetween(2.9, 3.1);
  }

  @Test
  void aRateTheGeneratorCouldNotOfferIsReported() {
    Stats stats = new Stats(0, 10);
    RunResult result = RunResult.of(settings(1000), stats, 10_000, 0, 20.0, 0, null);
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
    CpuUse cpu = new CpuUse(0.25, 1.5, 2);
    RunResult bad = RunResult.of(settings(50), stats, 500, 3, 9.9, 0, cpu);
    String text = Report.write(dir, "test run", List.of(bad));
    assertThat(text.indexOf("NOT A GOOD RUN")).isLessThan(text.indexOf("operation"));
    assertThat(text).contains("CPU over the measured window: generator 0.25 cores, machine 1.50 of 2 cores busy");
    assertThat(Files.readString(dir.resolve("result.json"))).contains("\"problems\"").contains("\"p99\"")
        .contains("\"generatorCores\" : 0.25").contains("\"machineBusyCores\" : 1.5");
    String html = Files.readString(dir.resolve("report.html"));
    assertThat(html).contains("<svg").contains("<polyline").contains("Not a good run").contains("authorize")
        .contains("capture").contains("machine 1.50 of 2 cores busy");
    assertThat(html.indexOf("Not a good run")).isLessThan(html.indexOf("<svg"));
  }

  @Test
  void theMachinesBusyCoresComeFromProcStatWithIdleAndIoWaitNotBusy() {
    List<String> before = List.of("cpu  1000 0 500 8000 100 0 0 0 0 0", "cpu0 500 0 250 4000 50 0 0 0 0 0",
        "cpu1 500 0 250 4000 50 0 0 0 0 0", "intr 12345");
    List<String> after = List.of("cpu  1600 0 800 8200 200 0 100 0 0 0", "cpu0 800 0 400 4100 100 0 50 0 0 0",
        "cpu1 800 0 400 4100 100 0 50 0 0 0", "intr 23456");
    CpuUse.MachineTicks from = CpuUse.MachineTicks.parse(before);
    assertThat(from).isEqualTo(new CpuUse.MachineTicks(1500, 9600, 2));
    // 1,300 ticks in all, 1,000 of them busy (user 600, system 300, softirq 100): 77 % of two CPUs.
    CpuUse use = CpuUse.between(new CpuUse.Reading(0, 0, from),
        new CpuUse.Reading(2_000_000_000L, 500_000_000L, CpuUse.MachineTicks.parse(after)));
    assertThat(use.machineCores()).isEqualTo(2);
    assertThat(use.machineBusyCores()).isCloseTo(2 * 1000.0 / 1300, Offset.offset(1e-9));
    assertThat(use.generatorCores()).isEqualTo(0.25);
    assertThat(CpuUse.between(new CpuUse.Reading(0, 0, null), new CpuUse.Reading(1_000_000_000L, 100_000_000L, null))
        .describe()).isEqualTo("generator 0.10 cores, machine not measured (no /proc/stat)");
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
