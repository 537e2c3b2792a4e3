package dev.switchyard.persistence;

import dev.switchyard.protocol.v1.PaymentEvent;
import java.util.Locale;

/**
 * Stable short names of event types ("authorized", "captured", "dispute_opened"), used wherever an event type is
 * shown or stored outside the journal. Derived from the Protobuf oneof case names, which never change.
 */
public final class EventTypes {

  private EventTypes() {}

  public static String of(PaymentEvent event) {
    return event.getBodyCase().name().toLowerCase(Locale.ROOT);
  }
}
