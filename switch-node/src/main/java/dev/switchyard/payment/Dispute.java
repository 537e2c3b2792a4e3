package dev.switchyard.payment;

import dev.switchyard.protocol.v1.DisputeState;
import dev.switchyard.protocol.v1.DisputeView;

/** The dispute child lifecycle of a captured payment: NEEDS_RESPONSE → UNDER_REVIEW → WON | LOST. */
public record Dispute(
    String id, DisputeState state, long amount, String reasonCode, long respondByMillis, int cycle) {

  /** Open disputes hold their amount provisionally withdrawn; at most one is open at a time. */
  public boolean isOpen() {
    return state == DisputeState.NEEDS_RESPONSE || state == DisputeState.UNDER_REVIEW;
  }

  public Dispute withState(DisputeState next) {
    return new Dispute(id, next, amount, reasonCode, respondByMillis, cycle);
  }

  public Dispute reopened(String newReasonCode, long newRespondBy) {
    return new Dispute(id, DisputeState.NEEDS_RESPONSE, amount, newReasonCode, newRespondBy, cycle + 1);
  }

  public DisputeView toProto() {
    return DisputeView.newBuilder()
        .setDisputeId(id)
        .setState(state)
        .setAmountMinor(amount)
        .setReasonCode(reasonCode)
        .setRespondByMillis(respondByMillis)
        .setCycle(cycle)
        .build();
  }

  public static Dispute fromProto(DisputeView view) {
    return new Dispute(
        view.getDisputeId(),
        view.getState(),
        view.getAmountMinor(),
        view.getReasonCode(),
        view.getRespondByMillis(),
        view.getCycle());
  }
}
