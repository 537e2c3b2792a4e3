package dev.switchyard.payment;

import dev.switchyard.protocol.v1.AuthorizationRequested;
import dev.switchyard.protocol.v1.Channel;

/**
 * What the acquirer said of how the card was presented and where, for risk decisions: the cardholder's device, IP
 * address (canonical form) and channel, the merchant's category code and country. Empty strings and
 * {@code CHANNEL_UNSPECIFIED} when not said.
 */
public record Presentment(String deviceId, String ipAddress, Channel channel, String merchantCategory,
    String merchantCountry) {

  public static final Presentment NONE = new Presentment("", "", Channel.CHANNEL_UNSPECIFIED, "", "");

  /** A presentment without the merchant's category and country. */
  public Presentment(String deviceId, String ipAddress, Channel channel) {
    this(deviceId, ipAddress, channel, "", "");
  }

  static Presentment of(AuthorizationRequested r) {
    return new Presentment(r.getDeviceId(), r.getIpAddress(), r.getChannel(), r.getMerchantCategory(),
        r.getMerchantCountry());
  }
}
