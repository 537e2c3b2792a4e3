package dev.switchyard.cli;

import com.google.protobuf.util.JsonFormat;
import dev.switchyard.protocol.client.ClientTls;
import dev.switchyard.protocol.client.FailoverClient;
import dev.switchyard.protocol.v1.AcquirerRequest;
import dev.switchyard.protocol.v1.AcquirerResponse;
import dev.switchyard.protocol.v1.Authorize;
import dev.switchyard.protocol.v1.CardData;
import dev.switchyard.protocol.v1.Capture;
import dev.switchyard.protocol.v1.GetPayment;
import dev.switchyard.protocol.v1.IncrementAuthorization;
import dev.switchyard.protocol.v1.Money;
import dev.switchyard.protocol.v1.Refund;
import dev.switchyard.protocol.v1.ResultCode;
import dev.switchyard.protocol.v1.Void;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.ParentCommand;

/**
 * {@code switch client}: sends one request over the acquirer protocol and prints the answer as one JSON object.
 * Exit code 0 when the switch approved, 1 for any other answer, 2 when no answer could be had. The connection
 * options are taken before or after the operation ({@code client --host h refund …} and {@code client refund …
 * --host h}).
 */
@Command(name = "client", mixinStandardHelpOptions = true,
    description = "Send one request to a switch node and print the answer as JSON.",
    subcommands = {ClientCommand.AuthorizeCmd.class, ClientCommand.CaptureCmd.class, ClientCommand.VoidCmd.class,
        ClientCommand.RefundCmd.class, ClientCommand.IncrementCmd.class, ClientCommand.GetCmd.class})
public final class ClientCommand implements Runnable {

  @Option(names = "--host", scope = ScopeType.INHERIT, defaultValue = "127.0.0.1:7700", split = ",",
      description = "Gateway addresses host:port, comma-separated: on a dropped connection or a node shutting down,"
          + " the request is sent again to the next one with the same request id.")
  java.util.List<String> hosts;

  @Option(names = "--acquirer", scope = ScopeType.INHERIT, defaultValue = "demo", description = "Acquirer id.")
  String acquirer;

  @Option(names = "--secret", scope = ScopeType.INHERIT, defaultValue = "${env:SWITCH_ACQUIRER_SECRET:-demo-secret}",
      description = "Acquirer secret (env SWITCH_ACQUIRER_SECRET).")
  String secret;

  @Option(names = "--request-id", scope = ScopeType.INHERIT, description = "Idempotency key; generated when absent.")
  String requestId;

  @Option(names = "--timeout", scope = ScopeType.INHERIT, defaultValue = "15s",
      description = "How long to wait for the answer.")
  String timeout;

  @Option(names = "--tls", scope = ScopeType.INHERIT,
      description = "Connect over TLS (implied by the --tls-* files); the gateway's certificate must name the host.")
  boolean tls;

  @Option(names = "--tls-ca", scope = ScopeType.INHERIT,
      description = "PEM file of the CAs trusted to sign the gateway's certificate (default: the JDK's).")
  String tlsCa;

  @Option(names = "--tls-cert", scope = ScopeType.INHERIT,
      description = "PEM file of this acquirer's client certificate chain, for mutual TLS.")
  String tlsCert;

  @Option(names = "--tls-key", scope = ScopeType.INHERIT,
      description = "PEM file of the client certificate's PKCS#8 private key.")
  String tlsKey;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(),
        "Say which: authorize, capture, void, refund, increment or get");
  }

  int send(AcquirerRequest.Builder request, PrintWriter out, PrintWriter err) {
    Duration wait = Duration.parse("PT" + timeout.toUpperCase());
    java.util.List<java.net.InetSocketAddress> addresses = hosts.stream().map(h -> {
      String[] hp = h.split(":");
      return new java.net.InetSocketAddress(hp[0], Integer.parseInt(hp[1]));
    }).toList();
    try (FailoverClient client = new FailoverClient(addresses, 0, acquirer, secret, 2 * addresses.size() + 1, null)) {
      client.tls(ClientTls.fromOptions(tls, tlsCa, tlsCert, tlsKey)).open();
      request.setRequestId(requestId != null ? requestId : UUID.randomUUID().toString());
      AcquirerResponse answer = client.send(request).get(wait.toMillis(), TimeUnit.MILLISECONDS);
      out.println(json(answer));
      return answer.getResult() == ResultCode.APPROVED ? 0 : 1;
    } catch (Exception e) {
      err.println("{\"error\":\"" + e.getClass().getSimpleName() + ": "
          + String.valueOf(e.getMessage()).replace("\"", "'") + "\"}");
      return 2;
    } finally {
      out.flush();
      err.flush();
    }
  }

  private static String json(AcquirerResponse response) throws Exception {
    return JsonFormat.printer().omittingInsignificantWhitespace().print(response);
  }

  abstract static class Sub implements Callable<Integer> {
    @ParentCommand ClientCommand parent;
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    abstract AcquirerRequest.Builder request();

    @Override
    public Integer call() {
      return parent.send(request(), spec.commandLine().getOut(), spec.commandLine().getErr());
    }

    static Money money(long amount, String currency) {
      return Money.newBuilder().setMinorUnits(amount).setCurrency(currency).build();
    }
  }

  @Command(name = "authorize", mixinStandardHelpOptions = true, description = "Authorize a card payment.")
  static final class AuthorizeCmd extends Sub {
    @Option(names = "--ref", required = true, description = "Your reference for the payment.") String ref;
    @Option(names = "--pan", required = true, description = "Card number.") String pan;
    @Option(names = "--expiry", required = true, description = "Card expiry MM/YY.") String expiry;
    @Option(names = "--amount", required = true, description = "Amount in minor units.") long amount;
    @Option(names = "--currency", defaultValue = "EUR", description = "ISO 4217 code.") String currency;
    @Option(names = "--merchant", defaultValue = "demo-merchant", description = "Merchant id.") String merchant;
    @Option(names = "--device", defaultValue = "", description = "The cardholder's device id (optional).")
    String device;
    @Option(names = "--ip", defaultValue = "", description = "The cardholder's IP address (optional).") String ip;
    @Option(names = "--channel", defaultValue = "CHANNEL_UNSPECIFIED",
        description = "CARD_PRESENT, ECOMMERCE, MAIL_OR_TELEPHONE or RECURRING (optional).")
    dev.switchyard.protocol.v1.Channel channel;
    @Option(names = "--mcc", defaultValue = "", description = "The merchant's category code, 4 digits (optional).")
    String mcc;
    @Option(names = "--merchant-country", defaultValue = "",
        description = "The merchant's country, ISO 3166-1 alpha-2 (optional).")
    String merchantCountry;

    @Override
    AcquirerRequest.Builder request() {
      String[] mmYy = expiry.split("/");
      if (mmYy.length != 2) {
        throw new CommandLine.ParameterException(spec.commandLine(), "--expiry must be MM/YY");
      }
      return AcquirerRequest.newBuilder().setAuthorize(Authorize.newBuilder()
          .setAcquirerReference(ref).setMerchantId(merchant).setAmount(money(amount, currency))
          .setCard(CardData.newBuilder().setPan(pan).setExpiryMonth(Integer.parseInt(mmYy[0]))
              .setExpiryYear(2000 + Integer.parseInt(mmYy[1])))
          .setDeviceId(device).setIpAddress(ip).setChannel(channel)
          .setMerchantCategory(mcc).setMerchantCountry(merchantCountry));
    }
  }

  @Command(name = "capture", mixinStandardHelpOptions = true, description = "Capture an authorized payment.")
  static final class CaptureCmd extends Sub {
    @Option(names = "--payment", required = true) String payment;
    @Option(names = "--amount", required = true) long amount;
    @Option(names = "--currency", defaultValue = "EUR") String currency;
    @Option(names = "--final", description = "Close the payment for further captures.") boolean isFinal;

    @Override
    AcquirerRequest.Builder request() {
      return AcquirerRequest.newBuilder().setCapture(Capture.newBuilder()
          .setPaymentId(payment).setAmount(money(amount, currency)).setFinal(isFinal));
    }
  }

  @Command(name = "void", mixinStandardHelpOptions = true, description = "Void an uncaptured authorization.")
  static final class VoidCmd extends Sub {
    @Option(names = "--payment", required = true) String payment;

    @Override
    AcquirerRequest.Builder request() {
      return AcquirerRequest.newBuilder().setVoid(Void.newBuilder().setPaymentId(payment));
    }
  }

  @Command(name = "refund", mixinStandardHelpOptions = true, description = "Refund captured money.")
  static final class RefundCmd extends Sub {
    @Option(names = "--payment", required = true) String payment;
    @Option(names = "--amount", required = true) long amount;
    @Option(names = "--currency", defaultValue = "EUR") String currency;

    @Override
    AcquirerRequest.Builder request() {
      return AcquirerRequest.newBuilder().setRefund(Refund.newBuilder()
          .setPaymentId(payment).setAmount(money(amount, currency)));
    }
  }

  @Command(name = "increment", mixinStandardHelpOptions = true, description = "Raise an authorization.")
  static final class IncrementCmd extends Sub {
    @Option(names = "--payment", required = true) String payment;
    @Option(names = "--amount", required = true) long amount;
    @Option(names = "--currency", defaultValue = "EUR") String currency;

    @Override
    AcquirerRequest.Builder request() {
      return AcquirerRequest.newBuilder().setIncrement(IncrementAuthorization.newBuilder()
          .setPaymentId(payment).setAmount(money(amount, currency)));
    }
  }

  @Command(name = "get", mixinStandardHelpOptions = true, description = "Read a payment.")
  static final class GetCmd extends Sub {
    @Option(names = "--payment", description = "Payment id.") String payment;
    @Option(names = "--ref", description = "Or your reference.") String ref;

    @Override
    AcquirerRequest.Builder request() {
      GetPayment.Builder get = GetPayment.newBuilder();
      if (payment != null) {
        get.setPaymentId(payment);
      } else if (ref != null) {
        get.setAcquirerReference(ref);
      } else {
        throw new CommandLine.ParameterException(spec.commandLine(), "--payment or --ref is required");
      }
      return AcquirerRequest.newBuilder().setGet(get);
    }
  }
}
