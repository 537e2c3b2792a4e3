package dev.switchyard.mirror;

import java.nio.file.Files;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * JUnit extension: one Pulsar broker for the whole test run (started by the first test class that asks for it,
 * stopped when the run ends), injected as a {@link PulsarBroker} parameter. Tests keep apart by topic names.
 */
public final class SharedPulsarBroker implements ParameterResolver {

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == PulsarBroker.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    return context.getRoot().getStore(ExtensionContext.Namespace.create(SharedPulsarBroker.class))
        .getOrComputeIfAbsent("broker", key -> {
          try {
            return PulsarBroker.start(Files.createTempDirectory("pulsar-it-"));
          } catch (Exception e) {
            throw new IllegalStateException("could not start the Pulsar broker: " + e.getMessage(), e);
          }
        }, PulsarBroker.class);
  }
}
