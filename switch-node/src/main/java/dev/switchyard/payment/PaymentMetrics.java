package dev.switchyard.payment;

/** What a payment reports about itself; the node binds it to its metrics backend. */
public interface PaymentMetrics {

  /** Nanoseconds from persisting an event to the journal's acknowledgement. */
  void journalWrite(long nanos);

  /** A payment entered ({@code +1}) or left ({@code -1}) memory. */
  void alive(int delta);

  /** A payment recovered into {@link Payment.Unreadable}. */
  void unreadable();

  /** Reports nothing. */
  PaymentMetrics NONE = new PaymentMetrics() {
    @Override
    public void journalWrite(long nanos) {}

    @Override
    public void alive(int delta) {}

    @Override
    public void unreadable() {}
  };
}
