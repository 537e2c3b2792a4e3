package dev.switchyard.gateway;

import dev.switchyard.payment.Card;
import dev.switchyard.payment.CardProtector;
import dev.switchyard.payment.Money;
import dev.switchyard.payment.Pan;
import dev.switchyard.payment.PaymentCommand;
import dev.switchyard.payment.PaymentIds;
import dev.switchyard.payment.Reply;
import dev.switchyard.protocol.v1.AcquirerRequest;
import dev.switchyard.payment.Presentment;
import dev.switchyard.protocol.v1.Authorize;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.japi.function.Function;

/**
 * Turns a validated request of an acquirer into the command for its payment. Pure: the same request gives the
 * same payment id and command. The card number goes on only as a {@link Pan}, for the issuer; everything the
 * payment keeps of the card is BIN, last four and keyed hash.
 */
final class RequestMapper {

  /**
   * Which payment to ask, with which command, and whether the answer may wait for the issuer: an authorization or
   * an increment asks it, and any other change to a payment waits behind an increment the issuer is deciding.
   */
  record Dispatch(String paymentId, Function<ActorRef<Reply>, PaymentCommand> command, boolean waitsForIssuer) {}

  private final CardProtector cards;

  RequestMapper(CardProtector cards) {
    this.cards = cards;
  }

  Dispatch map(String acquirerId, AcquirerRequest request) {
    String rid = request.getRequestId();
    return switch (request.getOperationCase()) {
      case AUTHORIZE -> {
        Authorize a = request.getAuthorize();
        Card card = cards.protect(a.getCard().getPan(), a.getCard().getExpiryMonth(), a.getCard().getExpiryYear());
        Money amount = Money.fromProto(a.getAmount());
        Pan pan = new Pan(a.getCard().getPan());
        java.util.List<String> earlier = cards.earlierHashes(a.getCard().getPan());
        Presentment presentment = new Presentment(a.getDeviceId(), RequestValidator.canonicalIp(a.getIpAddress()),
            a.getChannel(), a.getMerchantCategory(), a.getMerchantCountry());
        yield new Dispatch(PaymentIds.derive(acquirerId, a.getAcquirerReference()), r -> new PaymentCommand.Authorize(
            rid, acquirerId, a.getAcquirerReference(), a.getMerchantId(), amount, card, pan, presentment,
            earlier, r), true);
      }
      case INCREMENT -> {
        Money amount = Money.fromProto(request.getIncrement().getAmount());
        yield new Dispatch(request.getIncrement().getPaymentId(),
            r -> new PaymentCommand.IncrementAuthorization(rid, acquirerId, amount, r), true);
      }
      case CAPTURE -> {
        Money amount = Money.fromProto(request.getCapture().getAmount());
        boolean isFinal = request.getCapture().getFinal();
        yield new Dispatch(request.getCapture().getPaymentId(),
            r -> new PaymentCommand.Capture(rid, acquirerId, amount, isFinal, r), true);
      }
      case VOID -> new Dispatch(request.getVoid().getPaymentId(),
          r -> new PaymentCommand.VoidAuthorization(rid, acquirerId, r), true);
      case REFUND -> {
        Money amount = Money.fromProto(request.getRefund().getAmount());
        yield new Dispatch(request.getRefund().getPaymentId(),
            r -> new PaymentCommand.Refund(rid, acquirerId, amount, r), true);
      }
      case GET -> {
        var get = request.getGet();
        String id = get.getPaymentId().isEmpty()
            ? PaymentIds.derive(acquirerId, get.getAcquirerReference()) : get.getPaymentId();
        yield new Dispatch(id, r -> new PaymentCommand.Get(acquirerId, r), false);
      }
      case HELLO, OPERATION_NOT_SET -> throw new IllegalArgumentException(
          "not an operation on a payment: " + request.getOperationCase());
    };
  }
}
