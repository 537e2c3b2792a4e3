package dev.switchyard.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The build's licence check as a module of this project meets it: a module that would ship an AGPL library
 * (jPOS in compile scope) fails the build, naming it; the same library as a test-scope peer passes, and the
 * inventory lists what ships under its licence. Real Maven, offline, against the project's parent pom.
 */
class LicenceInventoryIT {

  private static final Path ROOT = Path.of(System.getProperty("user.dir")).getParent();

  @TempDir Path dir;

  @Test
  void anAgplLibraryOutsideTestScopeFailsTheBuild() throws Exception {
    Result r = check("compile");
    assertThat(r.exit).as(r.output).isNotZero();
    assertThat(r.output).contains("org.jpos:jpos").contains("GNU AFFERO GENERAL PUBLIC LICENSE");
  }

  @Test
  void theSameLibraryAsATestPeerPassesAndTheInventoryListsWhatShips() throws Exception {
    Result r = check("test");
    assertThat(r.exit).as(r.output).isZero();
    String inventory = Files.readString(dir.resolve("target/generated-sources/license/THIRD-PARTY.txt"));
    assertThat(inventory).contains("(LGPL-3.0) j8583 (net.sf.j8583:j8583:1.17.0").doesNotContain("jpos");
  }

  private record Result(int exit, String output) {}

  private Result check(String jposScope) throws Exception {
    String pom = """
        <project xmlns="http://maven.apache.org/POM/4.0.0">
          <modelVersion>4.0.0</modelVersion>
          <parent>
            <groupId>dev.switchyard</groupId>
            <artifactId>switch-parent</artifactId>
            <version>0.1.0-SNAPSHOT</version>
            <relativePath>%s</relativePath>
          </parent>
          <artifactId>licence-check-sample</artifactId>
          <dependencies>
            <dependency>
              <groupId>net.sf.j8583</groupId>
              <artifactId>j8583</artifactId>
              <version>${j8583.version}</version>
            </dependency>
            <dependency>
              <groupId>org.jpos</groupId>
              <artifactId>jpos</artifactId>
              <version>${jpos.version}</version>
              <scope>%s</scope>
            </dependency>
          </dependencies>
        </project>
        """.formatted(dir.relativize(ROOT.resolve("pom.xml")), jposScope);
    Files.writeString(dir.resolve("pom.xml"), pom);
    String mvn = System.getProperty("maven.home") != null
        ? Path.of(System.getProperty("maven.home"), "bin", "mvn").toString() : "mvn";
    Process p = new ProcessBuilder(List.of(mvn, "-o", "-B", "-ntp",
        "org.codehaus.mojo:license-maven-plugin:2.4.0:add-third-party"))
        .directory(dir.toFile()).redirectErrorStream(true).start();
    byte[] out = p.getInputStream().readAllBytes();
    assertThat(p.waitFor(3, TimeUnit.MINUTES)).isTrue();
    return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
  }
}
