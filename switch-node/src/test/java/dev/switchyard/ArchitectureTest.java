package dev.switchyard;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The boundaries of docs/architecture.md, so that a new dependency the wrong way fails the build: the modules
 * point one way (switch-node → persistence → protocol), the payment domain knows nothing of the node's edges,
 * and no two packages depend on each other.
 */
class ArchitectureTest {

  private static final JavaClasses CLASSES = new ClassFileImporter()
      .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
      .importPackages("dev.switchyard");

  private static final String[] NODE_PACKAGES = {
      "dev.switchyard.payment..", "dev.switchyard.gateway..", "dev.switchyard.mirror..", "dev.switchyard.ops..",
      "dev.switchyard.node..", "dev.switchyard.cli..", "dev.switchyard.issuer..", "dev.switchyard.risk..",
      "dev.switchyard.cluster.."};

  @Test
  void theProtocolModuleDependsOnNoOtherModule() {
    noClasses().that().resideInAPackage("dev.switchyard.protocol..")
        .should().dependOnClassesThat().resideInAnyPackage(concat(NODE_PACKAGES, "dev.switchyard.persistence.."))
        .check(CLASSES);
  }

  @Test
  void thePersistenceModuleDependsOnlyOnTheProtocol() {
    noClasses().that().resideInAPackage("dev.switchyard.persistence..")
        .should().dependOnClassesThat().resideInAnyPackage(NODE_PACKAGES)
        .check(CLASSES);
  }

  @Test
  void thePaymentDomainKnowsNothingOfTheNodesEdges() {
    noClasses().that().resideInAPackage("dev.switchyard.payment..")
        .should().dependOnClassesThat().resideInAnyPackage("dev.switchyard.gateway..", "dev.switchyard.mirror..",
            "dev.switchyard.ops..", "dev.switchyard.node..", "dev.switchyard.cli..", "dev.switchyard.issuer..",
            "dev.switchyard.risk..", "dev.switchyard.cluster..")
        .check(CLASSES);
  }

  @Test
  void riskDecisionsReachOnlyThePaymentDomainAndTheClusterRegister() {
    noClasses().that().resideInAPackage("dev.switchyard.risk..")
        .should().dependOnClassesThat().resideInAnyPackage("dev.switchyard.gateway..", "dev.switchyard.mirror..",
            "dev.switchyard.ops..", "dev.switchyard.node..", "dev.switchyard.cli..", "dev.switchyard.issuer..")
        .check(CLASSES);
    noClasses().that().resideInAPackage("dev.switchyard.cluster..")
        .should().dependOnClassesThat().resideInAnyPackage(NODE_PACKAGES_BUT_CLUSTER)
        .check(CLASSES);
  }

  private static final String[] NODE_PACKAGES_BUT_CLUSTER = java.util.Arrays.copyOf(NODE_PACKAGES, 8);

  @Test
  void theIssuerSideReachesOnlyThePaymentDomain() {
    noClasses().that().resideInAPackage("dev.switchyard.issuer..")
        .should().dependOnClassesThat().resideInAnyPackage("dev.switchyard.gateway..", "dev.switchyard.mirror..",
            "dev.switchyard.ops..", "dev.switchyard.node..", "dev.switchyard.cli..", "dev.switchyard.risk..")
        .check(CLASSES);
  }

  @Test
  void theGatewayAndTheMirrorsReachOnlyThePaymentDomain() {
    noClasses().that().resideInAnyPackage("dev.switchyard.gateway..", "dev.switchyard.mirror..")
        .should().dependOnClassesThat().resideInAnyPackage("dev.switchyard.ops..", "dev.switchyard.node..",
            "dev.switchyard.cli..", "dev.switchyard.risk..", "dev.switchyard.issuer..")
        .check(CLASSES);
    noClasses().that().resideInAPackage("dev.switchyard.gateway..")
        .should().dependOnClassesThat().resideInAPackage("dev.switchyard.mirror..")
        .check(CLASSES);
    noClasses().that().resideInAPackage("dev.switchyard.mirror..")
        .should().dependOnClassesThat().resideInAPackage("dev.switchyard.gateway..")
        .check(CLASSES);
  }

  @Test
  void operatorRoutesDoNotReachIntoTheNodesWiring() {
    noClasses().that().resideInAPackage("dev.switchyard.ops..")
        .should().dependOnClassesThat().resideInAnyPackage("dev.switchyard.node..", "dev.switchyard.cli..")
        .check(CLASSES);
  }

  @Test
  void theClientTalksOnlyTheProtocol() {
    noClasses().that().resideInAPackage("dev.switchyard.cli..")
        .should().dependOnClassesThat().resideInAnyPackage("dev.switchyard.payment..", "dev.switchyard.gateway..",
            "dev.switchyard.mirror..", "dev.switchyard.ops..", "dev.switchyard.node..")
        .check(CLASSES);
  }

  @Test
  void noTwoPackagesDependOnEachOther() {
    slices().matching("dev.switchyard.(*)..").should().beFreeOfCycles().check(CLASSES);
  }

  private static String[] concat(String[] some, String more) {
    String[] all = java.util.Arrays.copyOf(some, some.length + 1);
    all[some.length] = more;
    return all;
  }
}
