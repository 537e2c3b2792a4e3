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
          card(request.getAuthorize().hasCard(), request.getAuthorize().getCard()));
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
