package dev.switchyard.payment;

import dev.switchyard.protocol.v1.RiskAssessed;
import dev.switchyard.protocol.v1.RiskOperation;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The switch's risk decision on an authorization or an increment, asked by the payment before it is routed. The
 * answer never fails: a velocity counter that does not answer in time leaves the rules that need it not applicable,
 * and the decision says so.
 */
public interface RiskAssessor {

  /** What a decision is asked about; {@code key} identifies it, so that a retry is counted once. */
  record Request(String key, RiskOperation operation, String acquirerId, String merchantId, Card card,
      Money amount, Presentment presentment) {}

  /** No risk decisions: nothing is asked and nothing recorded. */
  RiskAssessor OFF = new RiskAssessor() {
    @Override
    public boolean enabled() {
      return false;
    }

    @Override
    public CompletionStage<RiskAssessed> assess(Request request) {
      return CompletableFuture.failedFuture(new IllegalStateException("risk decisions are off"));
    }

    @Override
    public void outcome(Card card, boolean approved) {}
  };

  boolean enabled();

  CompletionStage<RiskAssessed> assess(Request request);

  /**
   * The issuer's (or stand-in's) answer to an authorization of {@code card}, for its declines in a row; nothing
   * when decisions are off.
   */
  void outcome(Card card, boolean approved);
}
