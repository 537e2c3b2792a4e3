package dev.switchyard.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import dev.switchyard.payment.SaltedSecret;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Who may log in: the configured operators and the file's, its reading again, and what is refused. */
class OperatorsTest {

  @TempDir Path dir;

  private static Config operators(String hocon, String file) {
    return ConfigFactory.parseString("operators { " + hocon + " }")
        .withValue("operators-file", ConfigValueFactory.fromAnyRef(file));
  }

  private static String entry(String name, String token, String role) {
    return name + " { token = \"" + SaltedSecret.hash(token) + "\", role = " + role + " }";
  }

  @Test
  void aTokenNamesItsOperatorAndRoleAndNoOtherTokenDoes() {
    Operators o = Operators.create(operators(entry("ann", "t-ann", "viewer") + ", " + entry("bob", "t-bob", "admin"),
        ""));
    assertThat(o.authenticate("t-ann")).hasValueSatisfying(a -> assertThat(a.role()).isEqualTo(Operators.Role.VIEWER));
    assertThat(o.authenticate("t-bob")).hasValueSatisfying(b -> assertThat(b.name()).isEqualTo("bob"));
    assertThat(o.authenticate("t-bo")).isEmpty();
    assertThat(o.authenticate("")).isEmpty();
    assertThat(Operators.Role.ADMIN.allows(Operators.Role.OPERATOR)).isTrue();
    assertThat(Operators.Role.VIEWER.allows(Operators.Role.OPERATOR)).isFalse();
  }

  @Test
  void aTokenInClearAnUnknownRoleOrABadNameIsRefusedNamingTheEntry() {
    assertThatThrownBy(() -> Operators.create(operators("ann { token = \"t-ann\", role = viewer }", "")))
        .hasMessageContaining("operator 'ann', token").hasMessageContaining("never in clear");
    assertThatThrownBy(() -> Operators.create(operators(entry("ann", "t", "root"), "")))
        .hasMessageContaining("operator 'ann', role: one of viewer, operator, admin");
    assertThatThrownBy(() -> Operators.create(operators("\"a b\" { token = \"x\", role = viewer }", "")))
        .hasMessageContaining("a name is 1 to 64");
    assertThatThrownBy(() -> Operators.create(operators("ann { role = viewer }", "")))
        .hasMessageContaining("needs both token and role");
    assertThatThrownBy(() -> Operators.create(operators("", dir.resolve("missing.conf").toString())))
        .hasMessageContaining("no file at");
  }

  @Test
  void theFileIsReadAgainAndABrokenFileKeepsTheOperatorsInForce() throws Exception {
    Path file = Files.writeString(dir.resolve("operators.conf"), entry("cat", "t-cat", "operator"));
    Operators o = Operators.create(operators(entry("ann", "t-ann", "viewer"), file.toString()));
    assertThat(o.authenticate("t-cat")).isPresent();
    assertThat(o.authenticate("t-ann")).isPresent();

    // The token is rotated and another operator added.
    Files.writeString(file, entry("cat", "t-cat-2", "operator") + "\n" + entry("dan", "t-dan", "admin"));
    o.reload();
    assertThat(o.authenticate("t-cat")).isEmpty();
    assertThat(o.authenticate("t-cat-2")).isPresent();
    assertThat(o.authenticate("t-dan")).hasValueSatisfying(d -> assertThat(d.role()).isEqualTo(Operators.Role.ADMIN));

    Files.writeString(file, "dan { token = \"in-clear\", role = admin }");
    o.reload();
    assertThat(o.authenticate("t-dan")).as("the operators in force stay").isPresent();
    assertThat(o.authenticate("in-clear")).isEmpty();
  }
}
