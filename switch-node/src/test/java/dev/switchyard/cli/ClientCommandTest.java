package dev.switchyard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The client's options as people type them: before the operation, or after it. */
class ClientCommandTest {

  private static ClientCommand parse(String... args) {
    ClientCommand client = new ClientCommand();
    new CommandLine(client).parseArgs(args);
    return client;
  }

  @Test
  void connectionOptionsAfterTheOperationAreAccepted() {
    ClientCommand client = parse("refund", "--payment", "pay_0123456789abcdef0123456789abcdef", "--amount", "100",
        "--request-id", "R", "--host", "127.0.0.1:7701", "--acquirer", "acq-b", "--secret", "s", "--timeout", "3s");
    assertThat(client.requestId).isEqualTo("R");
    assertThat(client.hosts).isEqualTo(List.of("127.0.0.1:7701"));
    assertThat(client.acquirer).isEqualTo("acq-b");
    assertThat(client.secret).isEqualTo("s");
    assertThat(client.timeout).isEqualTo("3s");
  }

  @Test
  void anAuthorizationCarriesThePresentmentWhenGiven() {
    CommandLine line = new CommandLine(new ClientCommand());
    CommandLine.ParseResult parsed = line.parseArgs("authorize", "--ref", "o-1", "--pan", "4111111111111111",
        "--expiry", "12/30", "--amount", "2500", "--device", "dev-1", "--ip", "192.0.2.7", "--channel", "ECOMMERCE",
        "--mcc", "5411", "--merchant-country", "DE");
    ClientCommand.AuthorizeCmd authorize = (ClientCommand.AuthorizeCmd) parsed.subcommand().commandSpec()
        .userObject();
    var request = authorize.request().getAuthorize();
    assertThat(request.getDeviceId()).isEqualTo("dev-1");
    assertThat(request.getIpAddress()).isEqualTo("192.0.2.7");
    assertThat(request.getChannel()).isEqualTo(dev.switchyard.protocol.v1.Channel.ECOMMERCE);
    assertThat(request.getMerchantCategory()).isEqualTo("5411");
    assertThat(request.getMerchantCountry()).isEqualTo("DE");
    CommandLine.ParseResult plain = new CommandLine(new ClientCommand()).parseArgs("authorize", "--ref", "o-2",
        "--pan", "4111111111111111", "--expiry", "12/30", "--amount", "2500");
    var without = ((ClientCommand.AuthorizeCmd) plain.subcommand().commandSpec().userObject()).request()
        .getAuthorize();
    assertThat(without.getDeviceId()).isEmpty();
    assertThat(without.getMerchantCategory()).isEmpty();
    assertThat(without.getChannel()).isEqualTo(dev.switchyard.protocol.v1.Channel.CHANNEL_UNSPECIFIED);
  }

  @Test
  void connectionOptionsBeforeTheOperationStillWork() {
    ClientCommand client = parse("--request-id", "R", "--host", "10.0.0.1:7700,10.0.0.2:7700", "get", "--ref", "x");
    assertThat(client.requestId).isEqualTo("R");
    assertThat(client.hosts).containsExactly("10.0.0.1:7700", "10.0.0.2:7700");
  }
}
