package dev.switchyard.payment;

import java.util.ArrayList;
import java.util.List;

/** Every dispute of a payment, oldest first. Only the last can be open: one dispute at a time. */
record Disputes(List<Dispute> all) {

  static final Disputes NONE = new Disputes(List.of());

  /** The latest dispute, or null. */
  Dispute current() {
    return all.isEmpty() ? null : all.get(all.size() - 1);
  }

  boolean anyOpen() {
    Dispute d = current();
    return d != null && d.isOpen();
  }

  /** The amount an open dispute withdraws provisionally, or 0. */
  long openAmount() {
    return anyOpen() ? current().amount() : 0;
  }

  /** Whether a dispute with this id was ever opened on the payment. */
  boolean known(String disputeId) {
    return all.stream().anyMatch(d -> d.id().equals(disputeId));
  }

  Disputes opened(Dispute d) {
    List<Dispute> next = new ArrayList<>(all);
    next.add(d);
    return new Disputes(List.copyOf(next));
  }

  /** The latest dispute replaced by its next version. */
  Disputes updated(Dispute d) {
    List<Dispute> next = new ArrayList<>(all);
    next.set(next.size() - 1, d);
    return new Disputes(List.copyOf(next));
  }
}
