package dev.switchyard.payment;

import dev.switchyard.protocol.v1.PaymentEvent;
import dev.switchyard.protocol.v1.PaymentView;

/**
 * What every phase of an existing payment carries besides its money: the origin, the answers given (a cache of
 * the journal's facts) and the sequence number of the last event applied.
 */
record Core(Origin origin, Answers answers, long version) {

  /**
   * {@code next} (the phase {@code event} leads to) with this bookkeeping advanced: one version more, and the
   * answer the event gives to the request it concludes, if any.
   */
  Payment.Live recording(PaymentEvent event, Payment.Live next) {
    Payment.Live advanced = next.withCore(new Core(origin, answers, version + 1));
    PaymentView view = advanced.view();
    Answers recorded = switch (event.getBodyCase()) {
      // Issuer decisions conclude the authorization that created the payment.
      case AUTHORIZED -> answers.with(origin.requestId(), origin.paramsHash(), Reply.approved(view), false);
      case DECLINED -> answers.with(origin.requestId(), origin.paramsHash(), Reply.of(
          ResultCodes.fromWire(event.getDeclined().getResult()), "", event.getDeclined().getReason(), view), false);
      case IN_DOUBT -> answers.with(origin.requestId(), origin.paramsHash(),
          Reply.of(Outcome.ISSUER_UNAVAILABLE, "", event.getInDoubt().getReason(), view), false);
      // Still waiting for the issuer: the increment's answer comes with its decision.
      case INCREMENT_REQUESTED -> answers;
      // A risk decision answers nothing: the event it leads to does.
      case RISK_ASSESSED -> answers;
      case INCREMENT_DECLINED -> concludes(event, Reply.of(
          ResultCodes.fromWire(event.getIncrementDeclined().getResult()), "",
          event.getIncrementDeclined().getReason(), view), false);
      case INCREMENT_WITHDRAWN -> concludes(event, Reply.of(
          ResultCodes.fromWire(event.getIncrementWithdrawn().getResult()), "",
          event.getIncrementWithdrawn().getReason(), view), false);
      case REQUEST_REFUSED -> concludes(event, Reply.of(
          ResultCodes.fromWire(event.getRequestRefused().getResult()), event.getRequestRefused().getField(),
          event.getRequestRefused().getReason(), view), true);
      default -> concludes(event, Reply.approved(view), false);
    };
    return recorded == answers ? advanced : advanced.withCore(new Core(origin, recorded, version + 1));
  }

  private Answers concludes(PaymentEvent event, Reply reply, boolean refusal) {
    return answers.with(event.getRequestId(), event.getParamsHash(), reply, refusal);
  }
}
