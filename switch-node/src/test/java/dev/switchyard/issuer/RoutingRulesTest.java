package dev.switchyard.issuer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.switchyard.cluster.PostedDocument;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Which route a card takes, and what a route does and allows when its issuer is unreachable. */
class RoutingRulesTest {

  private static final Set<String> KNOWN = Set.of("a", "b", "c");

  private static Routes routes(String table) {
    Config c = ConfigFactory.parseString(table);
    return new Routes(IssuerSettings.routes(c, false), c.getString("default-route"),
        IssuerSettings.acquirerRoutes(c), KNOWN);
  }

  @Test
  void theLongestPrefixWinsAndAnAcquirersOwnPrefixesComeFirst() {
    Routes r = routes("""
        default-route = c
        routes = [{ name = a, bins = ["4", "5555"] }, { name = b, bins = ["4111"] }]
        acquirer-routes = [{ acquirer = acq-2, route = c, bins = ["41"] }]
        """);
    assertThat(r.route("acq-1", "411111")).isEqualTo("b");
    assertThat(r.route("acq-1", "422222")).isEqualTo("a");
    assertThat(r.route("acq-1", "555512")).isEqualTo("a");
    assertThat(r.route("acq-1", "601100")).isEqualTo("c");
    assertThat(r.route("acq-2", "411111")).as("the acquirer's 41 before the table's 4111").isEqualTo("c");
    assertThat(r.route("acq-2", "422222")).as("then the table").isEqualTo("a");
  }

  @Test
  void aTableThatCannotBeFollowedIsRefusedNamingTheKey() {
    assertThatThrownBy(() -> routes("default-route = a\nroutes = [{ name = a, bins = [\"4x\"] }]"))
        .hasMessageContaining("routes.a.bins").hasMessageContaining("4x");
    assertThatThrownBy(() -> routes("default-route = a\nroutes = [{ name = a, bins = [4] }, { name = b, bins = [4] }]"))
        .hasMessageContaining("BIN prefix 4 is in routes a and b");
    assertThatThrownBy(() -> routes("default-route = z\nroutes = []"))
        .hasMessageContaining("default-route").hasMessageContaining("'z'");
    assertThatThrownBy(() -> routes("default-route = a\nroutes = []\n"
        + "acquirer-routes = [{ acquirer = x, route = nowhere, bins = [4] }]"))
        .hasMessageContaining("acquirer-routes").hasMessageContaining("nowhere");
  }

  @Test
  void aPostedTableReadsBackFromWhatTheClusterStoresAndItsShapeIsCheckedFieldByField() {
    RoutingTable table = RoutingTable.parse("""
        routes = [{ name = a, bins = ["4", 51] }, { name = n, host = "10.0.0.9", port = 7001, bins = ["6011"] }]
        default-route = a
        acquirer-routes = [{ acquirer = acq-2, route = n, bins = ["41"] }]
        """);
    assertThat(RoutingTable.parse(table.render())).isEqualTo(table);
    assertThat(table.routes().get(0).bins()).containsExactly("4", "51");
    assertThat(table.routes().get(1).port()).isEqualTo(7001);
    assertThat(List.of(
        "routes = [{ name = a, host = h }]\ndefault-route = a",
        "routes = [{ name = a, host = h, port = 70000 }]\ndefault-route = a",
        "routes = [{ name = a }, { name = a }]\ndefault-route = a",
        "routes = [{ name = a, unreachable = decline }]\ndefault-route = a",
        "routes = [{ name = \"a b\" }]\ndefault-route = a",
        "routes = [{ name = a }]",
        "routes = a\ndefault-route = a",
        "routes = []\ndefault-route = a\nacquirer-routes = [{ acquirer = x, bins = [4] }]",
        "routes = [{ name = a, host = h, port = 1e12 }]\ndefault-route = a",
        "routes = []\ndefault-route = ${HOME}",
        "include file(\"/etc/hostname\")\nroutes = []\ndefault-route = a"))
        .extracting(t -> {
          try {
            RoutingTable.parse(t);
            return "accepted";
          } catch (PostedDocument.Invalid e) {
            return e.field();
          }
        })
        .containsExactly("routes[0].port", "routes[0].port", "routes[1].name", "routes[0].unreachable",
            "routes[0].name", "default-route", "routes", "acquirer-routes[0].route", "routes[0].port", "body",
            "body");
  }

  private static StandInRules rules(String extra) {
    return StandInRules.create(ConfigFactory.parseString(extra).withFallback(ConfigFactory.parseString("""
        unreachable = stand-in
        routes = [
          { name = a, host = h, port = 1 },
          { name = b, host = h, port = 2, unreachable = decline },
          { name = c, host = h, port = 3, stand-in { max-amount = 800 } }
        ]
        stand-in { max-amount = 1000, daily-count = 3, daily-amount = 2000, bins = [] }
        """)));
  }

  @Test
  void eachRouteHasItsPolicyAndItsLimitsTightenedByTheBins() {
    StandInRules r = rules("stand-in.bins = [{ prefix = \"4111\", daily-count = 1 }, { prefix = \"41\", max-amount = 500 }]");
    assertThat(r.policy("a")).isEqualTo(StandInRules.Policy.STAND_IN);
    assertThat(r.policy("b")).isEqualTo(StandInRules.Policy.DECLINE);
    assertThat(r.limits("a", "555555")).extracting(l -> List.of(l.maxAmount(), (long) l.dailyCount(), l.dailyAmount()))
        .isEqualTo(List.of(1000L, 3L, 2000L));
    assertThat(r.limits("c", "555555").maxAmount()).as("the route's own").isEqualTo(800);
    StandInRules.Limits bin = r.limits("c", "411111");
    assertThat(bin.dailyCount()).as("the longest prefix").isEqualTo(1);
    assertThat(bin.maxAmount()).as("4111 gives no max-amount: the route's").isEqualTo(800);
    assertThat(bin.describe()).contains("route c").contains("BIN 4111");
    assertThat(r.limits("a", "419999").maxAmount()).isEqualTo(500);
    assertThat(bin.refusal(801, 0, 0)).contains("800 per authorization");
    assertThat(bin.refusal(100, 1, 100)).contains("1 approvals a day per card");
    assertThat(bin.refusal(100, 0, 0)).isNull();
  }

  @Test
  void aPolicyOrALimitThatMakesNoSenseIsRefusedNamingTheKey() {
    assertThatThrownBy(() -> rules("unreachable = approve"))
        .hasMessageContaining("switch.issuer.unreachable").hasMessageContaining("approve");
    assertThatThrownBy(() -> rules("stand-in.bins = [{ prefix = \"4a\" }]")).hasMessageContaining("'4a'");
    assertThatThrownBy(() -> rules("stand-in.daily-count = -1")).hasMessageContaining("negative");
  }
}
