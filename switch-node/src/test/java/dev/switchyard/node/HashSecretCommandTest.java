package dev.switchyard.node;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchyard.gateway.AcquirerSecret;
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
    assertThat(AcquirerSecret.matches(line.group(1), secret.group(1))).isTrue();
  }
}
