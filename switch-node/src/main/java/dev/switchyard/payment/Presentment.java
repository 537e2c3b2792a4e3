package dev.switchyard.payment;

import dev.switchyard.protocol.v1.Channel;

/**
 * What the acquirer said of how the card was presented, for risk decisions: the cardholder's device, IP address
 * (canonical form) and channel. Empty strings and {@code CHANNEL_UNSPECIFIED} when not said.
 */
public record Presentment(String deviceId, String ipAddress, Channel channel) {

  public static final Presentment NONE = new Presentment("", "", Channel.CHANNEL_UNSPECIFIED);
}
