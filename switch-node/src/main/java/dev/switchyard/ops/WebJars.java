package dev.switchyard.ops;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/** Where a WebJar on the class path keeps its files, by the version its own Maven metadata names. */
final class WebJars {

  private WebJars() {}

  /** {@code META-INF/resources/webjars/<artifact>/<version>/}; refuses a WebJar missing from the class path. */
  static String dir(String group, String artifact) {
    Properties pom = new Properties();
    try (InputStream in = WebJars.class.getClassLoader()
        .getResourceAsStream("META-INF/maven/" + group + "/" + artifact + "/pom.properties")) {
      if (in == null) {
        throw new IllegalStateException("the " + artifact + " WebJar is missing from the classpath");
      }
      pom.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return "META-INF/resources/webjars/" + artifact + "/" + pom.getProperty("version") + "/";
  }
}
