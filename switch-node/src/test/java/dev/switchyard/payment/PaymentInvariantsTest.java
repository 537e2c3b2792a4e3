package dev.switchyard.payment;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchyard.protocol.v1.PaymentEvent;
import dev.switchyard.protocol.v1.PaymentReply;
import dev.switchyard.protocol.v1.ResultCode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Function;
import org.apache.pekko.actor.testkit.typed.annotations.JUnit5TestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.JUnit5TestKitBuilder;
import org.apache.pekko.actor.testkit.typed.javadsl.TestKitJUnit5Extension;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit.CommandResultWithReply;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Random command sequences against real entities, with the invariants of the design brief checked after every
 * step. Seeded: a failure names its seed and step, and the same seed replays the same sequence.
 */
@ExtendWith(TestKitJUnit5Extension.class)
class PaymentInvariantsTest {

  private static final long SEED = Long.getLong("invariants.seed", 20261123L);
  private static final int SEQUENCES = Integer.getInteger("invariants.sequences", 250);
  private static final int STEPS = 24;

  @JUnit5TestKit
  public ActorTestKit testKit = new JUnit5TestKitBuilder().withCustomConfig(PaymentFixture.config()).build();

  private record Sent(Function<ActorRef<PaymentReply>, PaymentEntity.Command> command, PaymentReply reply) {}

  @Test
  void invariantsHoldAfterEveryStepOfRandomCommandSequences() {
    SplittableRandom seeds = new SplittableRandom(SEED);
    int steps = 0;
    for (int s = 0; s < SEQUENCES; s++) {
      long seed = seeds.nextLong();
      steps += runSequence(seed);
    }
    assertThat(steps).isGreaterThanOrEqualTo(SEQUENCES * STEPS);
  }

  private int runSequence(long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    PaymentFixture f = new PaymentFixture(testKit.system());
    List<Sent> sent = new ArrayList<>();
    long authAmount = amount(random, 1, 50_000);
    var auth = f.authorize(authAmount);
    check(f, seed, 0, null, auth, false);
    int done = 1;
    for (int step = 1; step < STEPS; step++) {
      PaymentEntity.State before = f.kit.getState();
      boolean replay = !sent.isEmpty() && random.nextInt(8) == 0;
      CommandResultWithReply<PaymentEntity.Command, PaymentEvent, PaymentEntity.State, PaymentReply> result;
      if (replay) {
        Sent earlier = sent.get(random.nextInt(sent.size()));
        result = f.kit.runCommand(earlier.command()::apply);
        assertThat(result.reply()).as(where(seed, step, "a replay returns the original answer"))
            .isEqualTo(earlier.reply());
        assertThat(result.hasNoEvents()).as(where(seed, step, "a replay writes nothing")).isTrue();
      } else if (random.nextInt(10) == 0) {
        f.clock.advance(Duration.ofDays(random.nextInt(1, 40)));
        result = null;
        var wake = f.kit.runCommand(new PaymentEntity.WakeUp());
        assertInvariants(f, seed, step, before, wake.events());
      } else {
        Function<ActorRef<PaymentReply>, PaymentEntity.Command> command = randomCommand(random, f);
        result = f.kit.runCommand(command::apply);
        sent.add(new Sent(command, result.reply()));
      }
      if (result != null) {
        check(f, seed, step, before, result, replay);
      }
      done++;
    }
    return done;
  }

  private Function<ActorRef<PaymentReply>, PaymentEntity.Command> randomCommand(
      SplittableRandom random, PaymentFixture f) {
    String rid = PaymentFixture.rid();
    String acq = PaymentFixture.ACQUIRER;
    String currency = random.nextInt(20) == 0 ? "USD" : "EUR";
    Money money = Money.of(amount(random, -5, 30_000), currency);
    String dispute = "d-" + random.nextInt(3);
    // Draw every random choice before building the command: a replay must rebuild the very same command.
    boolean isFinal = random.nextInt(4) == 0;
    boolean won = random.nextBoolean();
    int disputeAction = random.nextInt(4);
    return switch (random.nextInt(10)) {
      case 0, 1, 2 -> r -> new PaymentEntity.Capture(rid, acq, money, isFinal, r);
      case 3, 4 -> r -> new PaymentEntity.Refund(rid, acq, money, r);
      case 5 -> r -> new PaymentEntity.VoidAuthorization(rid, acq, r);
      case 6 -> r -> new PaymentEntity.IncrementAuthorization(rid, acq, money, r);
      case 7 -> r -> new PaymentEntity.OpenDispute(rid, dispute, money, "10.4", 0, r);
      case 8 -> switch (disputeAction) {
        case 0 -> r -> new PaymentEntity.SubmitDisputeEvidence(rid, dispute, "doc", r);
        case 1 -> r -> new PaymentEntity.AcceptDispute(rid, dispute, r);
        case 2 -> r -> new PaymentEntity.PreArbitrate(rid, dispute, "4837", 0, r);
        default -> r -> new PaymentEntity.DecideDispute(rid, dispute, won, r);
      };
      default -> r -> new PaymentEntity.Capture(rid, acq, money, false, r);
    };
  }

  private static long amount(SplittableRandom random, long min, long max) {
    long a = random.nextLong(min, max);
    // Make issuer declines (…05, …51) and exact remainders likely enough to matter.
    return switch (random.nextInt(6)) {
      case 0 -> a - Math.floorMod(a, 100) + 5;
      case 1 -> a - Math.floorMod(a, 100) + 51;
      default -> a;
    };
  }

  private void check(PaymentFixture f, long seed, int step, PaymentEntity.State before,
      CommandResultWithReply<PaymentEntity.Command, PaymentEvent, PaymentEntity.State, PaymentReply> result,
      boolean replay) {
    ResultCode code = result.reply().getResult();
    assertThat(code).as(where(seed, step, "every command is answered")).isNotEqualTo(ResultCode.RESULT_CODE_UNSPECIFIED);
    if (!replay && code.getNumber() >= 200 && before != null) {
      assertThat(result.hasNoEvents()).as(where(seed, step, "a refusal writes nothing: " + result.reply())).isTrue();
      assertThat(f.kit.getState()).as(where(seed, step, "a refusal changes nothing")).isEqualTo(before);
      assertThat(result.reply().getField()).as(where(seed, step, "a refusal names its field")).isNotNull();
      assertThat(result.reply().getReason()).as(where(seed, step, "a refusal says why")).isNotBlank();
    }
    if (before != null) {
      assertInvariants(f, seed, step, before, result.events());
    } else {
      assertInvariants(f, seed, step, f.kit.getState(), List.of());
    }
  }

  private void assertInvariants(
      PaymentFixture f, long seed, int step, PaymentEntity.State before, List<PaymentEvent> events) {
    if (!(f.kit.getState() instanceof Payment p)) {
      return;
    }
    String at = where(seed, step, p.toString());
    assertThat(p.captured()).as(at + " C >= 0").isGreaterThanOrEqualTo(0);
    assertThat(p.captured()).as(at + " C <= A").isLessThanOrEqualTo(p.authorized());
    assertThat(p.refunded() + p.chargedBack()).as(at + " R + D >= 0").isGreaterThanOrEqualTo(0);
    assertThat(p.refunded() + p.chargedBack()).as(at + " R + D <= C").isLessThanOrEqualTo(p.captured());
    assertThat(p.openDisputeAmount()).as(at + " open dispute <= C - R").isLessThanOrEqualTo(p.captured() - p.refunded());
    if (before instanceof Payment b) {
      if (b.isTerminal()) {
        assertThat(p).as(at + " terminal states move no money").isEqualTo(b);
      }
      for (PaymentEvent e : events) {
        if (e.hasVoided()) {
          assertThat(b.captured()).as(at + " void only while C = 0").isZero();
        }
        if (e.hasIncremented()) {
          assertThat(b.captured()).as(at + " increment only while C = 0").isZero();
        }
      }
    }
  }

  private static String where(long seed, int step, String what) {
    return "seed " + seed + " step " + step + ": " + what;
  }
}
