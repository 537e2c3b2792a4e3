package dev.switchyard.gateway;

import dev.switchyard.payment.PaymentIds;
import dev.switchyard.protocol.Luhn;
import dev.switchyard.protocol.v1.AcquirerRequest;
import dev.switchyard.protocol.v1.CardData;
import dev.switchyard.protocol.v1.Money;
import java.time.Clock;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.Currency;
import java.util.regex.Pattern;

/**
 * Checks a request before any actor is touched. The first problem found is returned as the field path and the
 * reason; {@code null} means the request is well formed. Never echoes a card number in a reason.
 */
final class RequestValidator {

  private static final Pattern CURRENCY_CODE = Pattern.compile("[A-Z]{3}");

  static final int MAX_TEXT = 64;

  /** A refused field and why. */
  record Problem(String field, String reason) {}

  private final long maxAmountMinor;
  private final Clock clock;

  RequestValidator(long maxAmountMinor, Clock clock) {
    this.maxAmountMinor = maxAmountMinor;
    this.clock = clock;
  }

  Problem validate(AcquirerRequest request) {
    return switch (request.getOperationCase()) {
      case AUTHORIZE -> first(
          requestId(request),
          text("authorize.acquirer_reference", request.getAuthorize().getAcquirerReference()),
          text("authorize.merchant_id", request.getAuthorize().getMerchantId()),
          amount("authorize.amount", request.getAuthorize().hasAmount(), request.getAuthorize().getAmount()),
          card(request.getAuthorize().hasCard(), request.getAuthorize().getCard()),
          deviceId(request.getAuthorize().getDeviceId()),
          ipAddress(request.getAuthorize().getIpAddress()),
          request.getAuthorize().getChannel() == dev.switchyard.protocol.v1.Channel.UNRECOGNIZED
              ? new Problem("authorize.channel", "is not a channel this switch knows: "
                  + request.getAuthorize().getChannelValue())
              : null,
          digits("authorize.merchant_category", request.getAuthorize().getMerchantCategory(), 4),
          country("authorize.merchant_country", request.getAuthorize().getMerchantCountry()));
      case INCREMENT -> first(
          requestId(request),
          paymentId("increment.payment_id", request.getIncrement().getPaymentId()),
          amount("increment.amount", request.getIncrement().hasAmount(), request.getIncrement().getAmount()));
      case CAPTURE -> first(
          requestId(request),
          paymentId("capture.payment_id", request.getCapture().getPaymentId()),
          amount("capture.amount", request.getCapture().hasAmount(), request.getCapture().getAmount()));
      case VOID -> first(requestId(request), paymentId("void.payment_id", request.getVoid().getPaymentId()));
      case REFUND -> first(
          requestId(request),
          paymentId("refund.payment_id", request.getRefund().getPaymentId()),
          amount("refund.amount", request.getRefund().hasAmount(), request.getRefund().getAmount()));
      case GET -> get(request);
      case HELLO -> null;
      case OPERATION_NOT_SET -> new Problem("operation", "is required: one of hello, authorize, increment, "
          + "capture, void, refund, get");
    };
  }

  private static Problem first(Problem... problems) {
    for (Problem p : problems) {
      if (p != null) {
        return p;
      }
    }
    return null;
  }

  private static Problem requestId(AcquirerRequest request) {
    return text("request_id", request.getRequestId());
  }

  private static Problem text(String field, String value) {
    if (value.isEmpty()) {
      return new Problem(field, "is required");
    }
    if (value.length() > MAX_TEXT) {
      return new Problem(field, "is longer than " + MAX_TEXT + " characters");
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c < 0x20 || c > 0x7e) {
        return new Problem(field, "must be printable ASCII");
      }
    }
    return null;
  }

  private static Problem deviceId(String value) {
    if (value.isEmpty()) {
      return null;
    }
    if (value.length() > 128) {
      return new Problem("authorize.device_id", "is longer than 128 characters");
    }
    return text("authorize.device_id", value);
  }

  /** Optional: empty, or exactly {@code length} ASCII digits. */
  private static Problem digits(String field, String value, int length) {
    return value.isEmpty() || value.matches("[0-9]{" + length + "}") ? null
        : new Problem(field, "must be " + length + " digits");
  }

  /** Optional: empty, or two capital letters (ISO 3166-1 alpha-2). */
  private static Problem country(String field, String value) {
    return value.isEmpty() || value.matches("[A-Z]{2}") ? null
        : new Problem(field, "must be an ISO 3166-1 alpha-2 country code in capitals");
  }

  private static final String OCTET = "(25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])";
  private static final java.util.regex.Pattern IPV4 =
      java.util.regex.Pattern.compile(OCTET + "(\\." + OCTET + "){3}");
  private static final java.util.regex.Pattern IPV6 = java.util.regex.Pattern.compile("[0-9A-Fa-f:.]{2,45}");

  private static Problem ipAddress(String value) {
    if (value.isEmpty()) {
      return null;
    }
    return canonicalIp(value) == null
        ? new Problem("authorize.ip_address", "is not an IPv4 or IPv6 address literal") : null;
  }

  /**
   * The canonical form of an IPv4 or IPv6 literal (IPv6 as eight lower-case groups without leading zeros, an
   * IPv4-mapped one as IPv4), "" for "", null for anything else. Never a name lookup: only literals are accepted.
   */
  static String canonicalIp(String value) {
    if (value.isEmpty()) {
      return "";
    }
    boolean v4 = IPV4.matcher(value).matches();
    if (!v4 && !(value.contains(":") && IPV6.matcher(value).matches())) {
      return null;
    }
    try {
      // A literal of these characters is parsed, never looked up.
      return java.net.InetAddress.getByName(v4 ? value : "[" + value + "]").getHostAddress();
    } catch (java.net.UnknownHostException e) {
      return null;
    }
  }

  private static Problem paymentId(String field, String value) {
    if (value.isEmpty()) {
      return new Problem(field, "is required");
    }
    return PaymentIds.isWellFormed(value) ? null
        : new Problem(field, "is not a payment id (pay_ followed by 32 lower-case hex digits)");
  }

  private Problem amount(String field, boolean present, Money amount) {
    if (!present) {
      return new Problem(field, "is required");
    }
    if (amount.getMinorUnits() <= 0) {
      return new Problem(field + ".minor_units", "must be greater than zero");
    }
    if (amount.getMinorUnits() > maxAmountMinor) {
      return new Problem(field + ".minor_units", "exceeds the maximum of " + maxAmountMinor);
    }
    String code = amount.getCurrency();
    if (!CURRENCY_CODE.matcher(code).matches()) {
      return new Problem(field + ".currency", "must be an ISO 4217 code of three upper-case letters");
    }
    try {
      Currency.getInstance(code);
    } catch (IllegalArgumentException e) {
      return new Problem(field + ".currency", "is not an ISO 4217 currency");
    }
    return null;
  }

  private Problem card(boolean present, CardData card) {
    if (!present) {
      return new Problem("authorize.card", "is required");
    }
    String pan = card.getPan();
    if (pan.isEmpty()) {
      return new Problem("authorize.card.pan", "is required");
    }
    if (pan.length() < 12 || pan.length() > 19) {
      return new Problem("authorize.card.pan", "must have 12 to 19 digits");
    }
    for (int i = 0; i < pan.length(); i++) {
      if (pan.charAt(i) < '0' || pan.charAt(i) > '9') {
        return new Problem("authorize.card.pan", "must contain digits only");
      }
    }
    if (!Luhn.isValid(pan)) {
      return new Problem("authorize.card.pan", "fails the Luhn check");
    }
    if (card.getExpiryMonth() < 1 || card.getExpiryMonth() > 12) {
      return new Problem("authorize.card.expiry_month", "must be 1 to 12");
    }
    if (card.getExpiryYear() < 2000 || card.getExpiryYear() > 2099) {
      return new Problem("authorize.card.expiry_year", "must be a four-digit year");
    }
    YearMonth expiry = YearMonth.of(card.getExpiryYear(), card.getExpiryMonth());
    if (expiry.isBefore(YearMonth.now(clock.withZone(ZoneOffset.UTC)))) {
      return new Problem("authorize.card.expiry_year", "the card expired at the end of " + expiry);
    }
    return null;
  }

  private static Problem get(AcquirerRequest request) {
    var get = request.getGet();
    if (!get.getPaymentId().isEmpty()) {
      return paymentId("get.payment_id", get.getPaymentId());
    }
    if (!get.getAcquirerReference().isEmpty()) {
      return text("get.acquirer_reference", get.getAcquirerReference());
    }
    return new Problem("get.payment_id", "payment_id or acquirer_reference is required");
  }
}
