package dev.switchyard.node;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchyard.payment.SaltedSecret;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code bin/switch hash-secret --generate}: a new secret on standard error, its file line on standard out. */
class HashSecretCommandTest {

  @Test
  void aGeneratedSecretAndItsLineGoTogether() {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = new CommandLine(new Main());
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    assertThat(cli.execute("hash-secret", "--acquirer", "acq-north", "--generate")).isZero();
    Matcher line = Pattern.compile("acq-north = \"(sha256:[0-9a-f]+:[0-9a-f]+)\"\\s*").matcher(out.toString());
    assertThat(line.matches()).as(out.toString()).isTrue();
    Matcher secret = Pattern.compile("secret for acq-north: (\\S+)\\s*").matcher(err.toString());
    assertThat(secret.matches()).as(err.toString()).isTrue();
    assertThat(out.toString()).doesNotContain(secret.group(1));
    assertThat(SaltedSecret.matches(line.group(1), secret.group(1))).isTrue();
  }

  @Test
  void anOperatorsEntryIsWhatTheNodeReads() {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = new CommandLine(new Main());
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    assertThat(cli.execute("hash-secret", "--operator", "alice", "--role", "operator", "--generate")).isZero();
    Matcher token = Pattern.compile("token for alice: (\\S+)\\s*").matcher(err.toString());
    assertThat(token.matches()).as(err.toString()).isTrue();
    assertThat(out.toString()).doesNotContain(token.group(1));
    dev.switchyard.ops.Operators operators = dev.switchyard.ops.Operators.create(com.typesafe.config.ConfigFactory
        .parseString("operators-file = \"\", operators { " + out + " }"));
    assertThat(operators.authenticate(token.group(1))).hasValueSatisfying(o -> {
      assertThat(o.name()).isEqualTo("alice");
      assertThat(o.role()).isEqualTo(dev.switchyard.ops.Operators.Role.OPERATOR);
    });
    assertThat(operators.authenticate(token.group(1) + "x")).isEmpty();
    assertThat(cli.execute("hash-secret", "--operator", "alice", "--role", "root", "--generate")).isEqualTo(2);
  }
}
