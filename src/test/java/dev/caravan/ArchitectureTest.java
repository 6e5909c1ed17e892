package dev.caravan;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideOutsideOfPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.syntax.ArchRuleDefinition;

/**
 * The package structure of the production code: dependencies between packages form a DAG in
 * the direction a reader expects, the demo is used by nothing, and a userstore kind is a plugin
 * that nothing but itself (and the demo, which configures one) refers to.
 */
@AnalyzeClasses(packages = "dev.caravan", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

    @ArchTest
    static final ArchRule topLevelPackagesHaveNoCycles =
            slices().matching("dev.caravan.(*)..").should().beFreeOfCycles();

    @ArchTest
    static final ArchRule userstorePackagesHaveNoCycles =
            slices().matching("dev.caravan.userstore.(*)..").should().beFreeOfCycles();

    @ArchTest
    static final ArchRule noProductionPackageUsesTheDemo = noClasses()
            .that().resideOutsideOfPackage("dev.caravan.demo..")
            .should().dependOnClassesThat().resideInAPackage("dev.caravan.demo..");

    @ArchTest
    static final ArchRule theLdapKindIsUsedOnlyByItselfAndTheDemo = noClasses()
            .that().resideOutsideOfPackages("dev.caravan.userstore.ldap..", "dev.caravan.demo..")
            .should().dependOnClassesThat().resideInAPackage("dev.caravan.userstore.ldap..");

    @ArchTest
    static final ArchRule theWebServiceKindIsUsedOnlyByItselfAndTheDemo = noClasses()
            .that().resideOutsideOfPackages("dev.caravan.userstore.webservice..", "dev.caravan.demo..")
            .should().dependOnClassesThat().resideInAPackage("dev.caravan.userstore.webservice..");

    @ArchTest
    static final ArchRule userstoreKindsDoNotUseEachOther = noClasses()
            .that().resideInAPackage("dev.caravan.userstore.ldap..")
            .should().dependOnClassesThat().resideInAPackage("dev.caravan.userstore.webservice..");

    @ArchTest
    static final ArchRule configDependsOnNoOtherCaravanPackage = onlyOn("dev.caravan.config..");

    @ArchTest
    static final ArchRule httpDependsOnlyOnConfig = onlyOn("dev.caravan.http..", "dev.caravan.config..");

    @ArchTest
    static final ArchRule registryDependsOnlyOnHttpAndConfig =
            onlyOn("dev.caravan.registry..", "dev.caravan.http..", "dev.caravan.config..");

    @ArchTest
    static final ArchRule secretsDependOnNoOtherCaravanPackage = onlyOn("dev.caravan.secrets..");

    @ArchTest
    static final ArchRule camelDependsOnNoOtherCaravanPackage = onlyOn("dev.caravan.camel..");

    @ArchTest
    static final ArchRule brokerDependsOnlyOnHttpAndConfig =
            onlyOn("dev.caravan.broker..", "dev.caravan.http..", "dev.caravan.config..");

    @ArchTest
    static final ArchRule jwtDependsOnlyOnRegistrySecretsAndTheirs = onlyOn("dev.caravan.jwt..",
            "dev.caravan.registry..", "dev.caravan.secrets..", "dev.caravan.http..", "dev.caravan.config..");

    @ArchTest
    static final ArchRule mediationDependsOnlyOnRegistryAndHttp = onlyOn("dev.caravan.mediation..",
            "dev.caravan.registry..", "dev.caravan.http..", "dev.caravan.config..", "dev.caravan.camel..");

    @ArchTest
    static final ArchRule userstoreKindsDependOnlyOnTheUserstoreSpi = noClasses()
            .that().resideInAnyPackage("dev.caravan.userstore.ldap..", "dev.caravan.userstore.webservice..")
            .should().dependOnClassesThat().resideInAPackage("dev.caravan.userstore.external..");

    @ArchTest
    static final ArchRule userstoresDoNotDependOnTheLayersThatUseThem = noClasses()
            .that().resideInAPackage("dev.caravan.userstore..")
            .should().dependOnClassesThat().resideInAnyPackage("dev.caravan.token..", "dev.caravan.gateway..",
                    "dev.caravan.mediation..", "dev.caravan.admin..", "dev.caravan.audit..", "dev.caravan.jwt..");

    @ArchTest
    static final ArchRule tokensDoNotDependOnTheGatewayOrTheAdminApi = noClasses()
            .that().resideInAPackage("dev.caravan.token..")
            .should().dependOnClassesThat().resideInAnyPackage("dev.caravan.gateway..", "dev.caravan.mediation..",
                    "dev.caravan.admin..", "dev.caravan.audit..");

    @ArchTest
    static final ArchRule onlyTheApplicationUsesTheAdminApi = noClasses()
            .that().resideOutsideOfPackage("dev.caravan.admin..")
            .and().resideOutsideOfPackage("dev.caravan")
            .should().dependOnClassesThat().resideInAPackage("dev.caravan.admin..");

    /** Classes of the first package depend on no Caravan package but it and the ones named after it. */
    private static ArchRule onlyOn(String packageOfTheRule, String... allowed) {
        String[] own = new String[allowed.length + 1];
        own[0] = packageOfTheRule;
        System.arraycopy(allowed, 0, own, 1, allowed.length);
        return ArchRuleDefinition.classes().that().resideInAPackage(packageOfTheRule)
                .should().onlyDependOnClassesThat(resideOutsideOfPackage("dev.caravan..").or(resideInAnyPackage(own)));
    }
}
