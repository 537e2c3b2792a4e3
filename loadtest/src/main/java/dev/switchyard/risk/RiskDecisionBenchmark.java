package dev.switchyard.risk;

import com.typesafe.config.ConfigFactory;
import dev.switchyard.bench.BenchmarkBase;
import dev.switchyard.protocol.v1.Money;
import dev.switchyard.protocol.v1.RiskAssessed;
import dev.switchyard.protocol.v1.RiskInputs;
import java.util.Set;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The risk decision's own work, without the velocity counters' round trips: the default rule set (twelve rules)
 * evaluated on one authorization with its counters, explanations built, the decision message built. Also one
 * velocity counter's work per authorization: count it into a key holding a day of minute buckets, and answer.
 */
@State(Scope.Benchmark)
public class RiskDecisionBenchmark extends BenchmarkBase {

  private RiskRules rules;
  private RiskInputs inputs;
  private RiskEngine.Observed seen;
  private VelocityWindows busyMerchant;
  private long now;
  private long n;

  @Setup
  public void setUp() {
    rules = RiskRules.parse(ConfigFactory.load("switch/base.conf").getConfig("switch.risk.rule-set"));
    inputs = RiskInputs.newBuilder().setCardBin("411111").setCardLast4("1111").setCardHash("ab".repeat(32))
        .setMerchantId("m-1").setMerchantCategory("5411").setMerchantCountry("DE").setCardCountry("GB")
        .setAmount(Money.newBuilder().setMinorUnits(12_345).setCurrency("EUR")).setDeviceId("dev-1")
        .setIpAddress("198.51.100.4").build();
    Velocity.Counts c = new Velocity.Counts(new long[] {3, 12, 40}, new long[] {3_000, 12_000, 40_000},
        new int[] {1, 2, 3}, 1);
    seen = new RiskEngine.Observed(c, c, c, c, Set.of());
    busyMerchant = new VelocityWindows();
    now = 1_800_000_000_000L;
    // A day at about one authorization a second: every minute bucket of the day filled.
    for (int i = 0; i < 86_400; i += 1) {
      busyMerchant.observe("warm-" + i, now + i * 1_000L, 1_000, "EUR", "");
    }
    now += 86_400_000L;
  }

  @Benchmark
  public RiskAssessed decideDefaultRules() {
    return RiskEngine.decide(rules, 1, inputs, seen).build();
  }

  @Benchmark
  public Velocity.Counts observeBusyMerchant() {
    n++;
    return busyMerchant.observe("p-" + n, now + n, 1_000, "EUR", "");
  }
}
