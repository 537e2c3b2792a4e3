package dev.switchyard.ops;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchyard.gateway.GatewayIT;
import dev.switchyard.node.SwitchNode;
import dev.switchyard.payment.Money;
import dev.switchyard.payment.Outcome;
import dev.switchyard.payment.PaymentCommand;
import dev.switchyard.payment.PaymentEntity;
import dev.switchyard.payment.Reply;
import dev.switchyard.protocol.client.SwitchClient;
import dev.switchyard.protocol.v1.AcquirerResponse;
import dev.switchyard.protocol.v1.ResultCode;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;

/** Payments for the operator-side tests: made through the node's gateway as the demo acquirer, disputed. */
final class TestPayments {

  private TestPayments() {}

  /** A payment of {@code amount} EUR cents, authorized and captured in full; its id. */
  static String captured(SwitchNode node, String reference, long amount) throws Exception {
    try (SwitchClient client = SwitchClient.connect("127.0.0.1", node.gateway().address().getPort(),
        Duration.ofSeconds(5))) {
      assertThat(client.hello("demo", "demo-secret").get(5, TimeUnit.SECONDS).getResult())
          .isEqualTo(ResultCode.APPROVED);
      AcquirerResponse auth = client.send(GatewayIT.authorize(reference, amount)).get(10, TimeUnit.SECONDS);
      assertThat(auth.getResult()).isEqualTo(ResultCode.APPROVED);
      String id = auth.getPayment().getPaymentId();
      assertThat(client.send(GatewayIT.capture(id, amount, true)).get(10, TimeUnit.SECONDS).getResult())
          .isEqualTo(ResultCode.APPROVED);
      return id;
    }
  }

  /** Chargeback {@code disputeId} of {@code amount} EUR cents opened on payment {@code id}, as the network does. */
  static void openDispute(SwitchNode node, String id, String requestId, String disputeId, long amount,
      String reasonCode) throws Exception {
    Reply opened = ClusterSharding.get(node.system()).entityRefFor(PaymentEntity.ENTITY_KEY, id)
        .<Reply>ask(r -> new PaymentCommand.OpenDispute(requestId, disputeId, Money.of(amount, "EUR"), reasonCode,
            30, r), Duration.ofSeconds(10)).toCompletableFuture().get(15, TimeUnit.SECONDS);
    assertThat(opened.outcome()).isEqualTo(Outcome.APPROVED);
  }
}
