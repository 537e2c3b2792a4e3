package dev.switchyard.payment;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchyard.protocol.v1.PaymentEvent;
import dev.switchyard.protocol.v1.PaymentState;
import dev.switchyard.protocol.v1.ReversalKind;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
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
 * step, restarts of the entity and the passing of time among the steps. Seeded: a failure names its seed and
 * step, and the same seed replays the same sequence.
 */
@ExtendWith(TestKitJUnit5Extension.class)
class PaymentInvariantsTest {

  private static final long SEED = Long.getLong("invariants.seed", 20261201L);
  private static final int SEQUENCES = Integer.getInteger("invariants.sequences", 250);
  private static final int STEPS = 24;

  /** States in which the hold can still be captured, or may yet be. */
  private static final Set<PaymentState> HOLDING =
      EnumSet.of(PaymentState.AUTHORIZING, PaymentState.AUTHORIZED, PaymentState.PARTIALLY_CAPTURED);

  @JUnit5TestKit
  public ActorTestKit testKit = new JUnit5TestKitBuilder().withCustomConfig(PaymentFixture.config()).build();

  private record Sent(Function<ActorRef<Reply>, PaymentCommand> command, Reply reply) {}

  @Test
  void invariantsHoldAfterEveryStepOfRandomCommandSequences() {
    SplittableRandom seeds = new SplittableRandom(SEED);
    int steps = 0;
    for (int s = 0; s < SEQUENCES; s++) {
      steps += runSequence(seeds.nextLong());
    }
    assertThat(steps).isGreaterThanOrEqualTo(SEQUENCES * STEPS);
  }

  private int runSequence(long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    PaymentFixture f = new PaymentFixture(testKit.system());
    List<Sent> sent = new ArrayList<>();
    List<PaymentEvent> journal = new JournalView(f);
    var auth = f.authorize(amount(random, 1, 50_000));
    check(f, seed, 0, null, auth, false, journal);
    int done = 1;
    for (int step = 1; step < STEPS; step++) {
      Payment before = f.kit.getState();
      boolean replay = !sent.isEmpty() && random.nextInt(8) == 0;
      int event = random.nextInt(10);
      CommandResultWithReply<PaymentCommand, PaymentEvent, Payment, Reply> result = null;
      if (replay) {
        Sent earlier = sent.get(random.nextInt(sent.size()));
        result = f.kit.runCommand(earlier.command()::apply);
        assertThat(result.reply().original()).as(where(seed, step, "a replay returns the original answer"))
            .isEqualTo(earlier.reply());
        assertThat(result.hasNoEvents()).as(where(seed, step, "a replay writes nothing")).isTrue();
      } else if (event == 0) {
        f.clock.advance(Duration.ofDays(random.nextInt(1, 40)));
        var wake = f.wakeUp();
        assertInvariants(f, seed, step, before, wake.events(), journal);
      } else if (event == 1) {
        // Passivation, a restart or a failover: the payment comes back from its journal alone.
        f.kit.restart();
        assertThat(f.kit.getState()).as(where(seed, step, "recovery gives the state back")).isEqualTo(before);
      } else {
        Function<ActorRef<Reply>, PaymentCommand> command = randomCommand(random, f.kit.getState());
        result = f.kit.runCommand(command::apply);
        sent.add(new Sent(command, result.reply()));
      }
      if (result != null) {
        check(f, seed, step, before, result, replay, journal);
      }
      done++;
    }
    // Every hold is eventually released: once the hold window is long past, nothing is held any more.
    f.clock.advance(Duration.ofDays(60));
    f.wakeUp();
    assertThat(f.status()).as(where(seed, STEPS, "every hold is released by capture, void or expiry"))
        .isNotIn(HOLDING);
    assertThat(f.kit.getState()).isNotInstanceOf(Open.class);
    return done;
  }

  private Function<ActorRef<Reply>, PaymentCommand> randomCommand(SplittableRandom random, Payment state) {
    String rid = PaymentFixture.rid();
    String acq = PaymentFixture.ACQUIRER;
    String currency = random.nextInt(20) == 0 ? "USD" : "EUR";
    // Often exactly what is left to capture or refund: the edges where a payment changes phase.
    Amounts now = state instanceof Payment.Live live ? live.amounts() : null;
    long edge = now == null ? 0 : random.nextBoolean() ? now.uncaptured() : now.captured() - now.refunded();
    Money money = Money.of(edge > 0 && random.nextInt(3) == 0 ? edge : amount(random, -5, 30_000), currency);
    String dispute = "d-" + random.nextInt(3);
    // Draw every random choice before building the command: a replay must rebuild the very same command.
    boolean isFinal = random.nextInt(4) == 0;
    boolean won = random.nextBoolean();
    int disputeAction = random.nextInt(4);
    return switch (random.nextInt(10)) {
      case 0, 1, 2 -> r -> new PaymentCommand.Capture(rid, acq, money, isFinal, r);
      case 3, 4 -> r -> new PaymentCommand.Refund(rid, acq, money, r);
      case 5 -> r -> new PaymentCommand.VoidAuthorization(rid, acq, r);
      case 6 -> r -> new PaymentCommand.IncrementAuthorization(rid, acq, money, r);
      case 7 -> r -> new PaymentCommand.OpenDispute(rid, dispute, money, "10.4", 0, r);
      case 8 -> switch (disputeAction) {
        case 0 -> r -> new PaymentCommand.SubmitDisputeEvidence(rid, dispute, "doc", r);
        case 1 -> r -> new PaymentCommand.AcceptDispute(rid, dispute, r);
        case 2 -> r -> new PaymentCommand.PreArbitrate(rid, dispute, "4837", 0, r);
        default -> r -> new PaymentCommand.DecideDispute(rid, dispute, won, r);
      };
      default -> r -> new PaymentCommand.Capture(rid, acq, money, false, r);
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

  private void check(PaymentFixture f, long seed, int step, Payment before,
      CommandResultWithReply<PaymentCommand, PaymentEvent, Payment, Reply> result, boolean replay,
      List<PaymentEvent> journal) {
    Reply reply = result.reply();
    assertThat(reply.outcome()).as(where(seed, step, "every command is answered")).isNotNull();
    if (!replay && reply.outcome().refused() && before != null) {
      assertThat(result.events()).as(where(seed, step, "a refusal writes at most its record: " + reply))
          .allMatch(PaymentEvent::hasRequestRefused);
      assertThat(((Payment.Live) f.kit.getState()).amounts()).as(where(seed, step, "a refusal moves nothing"))
          .isEqualTo(((Payment.Live) before).amounts());
      assertThat(reply.field()).as(where(seed, step, "a refusal names its field")).isNotNull();
      assertThat(reply.reason()).as(where(seed, step, "a refusal says why")).isNotBlank();
    }
    assertInvariants(f, seed, step, before == null ? f.kit.getState() : before, result.events(), journal);
  }

  private void assertInvariants(PaymentFixture f, long seed, int step, Payment before, List<PaymentEvent> events,
      List<PaymentEvent> journal) {
    if (!(f.kit.getState() instanceof Payment.Live p)) {
      return;
    }
    Amounts a = p.amounts();
    String at = where(seed, step, p.toString());
    assertThat(a.captured()).as(at + " C >= 0").isGreaterThanOrEqualTo(0);
    assertThat(a.captured()).as(at + " C <= A").isLessThanOrEqualTo(a.authorized());
    assertThat(a.refunded() + a.chargedBack()).as(at + " R + D >= 0").isGreaterThanOrEqualTo(0);
    assertThat(a.refunded() + a.chargedBack()).as(at + " R + D <= C").isLessThanOrEqualTo(a.captured());
    assertThat(p.disputes().openAmount()).as(at + " open dispute <= C - R")
        .isLessThanOrEqualTo(a.captured() - a.refunded());
    assertThat(p.disputes().all().stream().filter(Dispute::isOpen).count()).as(at + " one open dispute at most")
        .isLessThanOrEqualTo(1);
    // A payment with something capturable is not terminal, and one that no longer holds was released.
    boolean released = journal.stream().anyMatch(e -> e.hasExpired() || e.hasVoided() || e.hasDeclined()
        || e.hasReversed() && e.getReversed().getKind() == ReversalKind.REVERSAL_OF_AUTHORIZATION
        || e.hasCaptured() && e.getCaptured().getFinal()
        || e.hasCaptured() && e.getStateAfter() == PaymentState.CAPTURED);
    if (!HOLDING.contains(p.status()) && p.status() != PaymentState.IN_DOUBT) {
      assertThat(released).as(at + " a payment that no longer holds was released").isTrue();
      assertThat(p).as(at + " nothing capturable outside Open").isNotInstanceOf(Open.class);
    }
    if (p instanceof Open open) {
      assertThat(open.status()).as(at).isIn(PaymentState.AUTHORIZED, PaymentState.PARTIALLY_CAPTURED);
    }
    if (before instanceof Payment.Live b) {
      if (b instanceof Closed) {
        assertThat(p.amounts()).as(at + " terminal states move no money").isEqualTo(b.amounts());
      }
      for (PaymentEvent e : events) {
        if (e.hasVoided()) {
          assertThat(b.amounts().captured()).as(at + " void only while C = 0").isZero();
        }
        if (e.hasIncremented()) {
          assertThat(p.amounts().captured()).as(at + " increment only while C = 0").isZero();
        }
      }
    }
  }

  /** The payment's journal as stored, read afresh at every use. */
  private static final class JournalView extends java.util.AbstractList<PaymentEvent> {
    private final PaymentFixture f;

    JournalView(PaymentFixture f) {
      this.f = f;
    }

    private List<Object> stored() {
      return f.kit.persistenceTestKit().persistedInStorage("Payment|" + f.paymentId);
    }

    @Override
    public PaymentEvent get(int index) {
      return (PaymentEvent) stored().get(index);
    }

    @Override
    public int size() {
      return stored().size();
    }
  }

  private static String where(long seed, int step, String what) {
    return "seed " + seed + " step " + step + ": " + what;
  }
}
