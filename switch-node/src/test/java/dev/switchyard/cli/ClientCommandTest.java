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
  void connectionOptionsBeforeTheOperationStillWork() {
    ClientCommand client = parse("--request-id", "R", "--host", "10.0.0.1:7700,10.0.0.2:7700", "get", "--ref", "x");
    assertThat(client.requestId).isEqualTo("R");
    assertThat(client.hosts).containsExactly("10.0.0.1:7700", "10.0.0.2:7700");
  }
}
