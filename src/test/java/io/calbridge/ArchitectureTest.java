package io.calbridge;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/** The module boundaries of DESIGN.md, checked on the production classes. */
@AnalyzeClasses(packages = "io.calbridge", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

    @ArchTest
    static final ArchRule featuresAreFreeOfCycles = slices().matching("io.calbridge.(*)..").should().beFreeOfCycles();

    @ArchTest
    static final ArchRule providerPortDependsOnNothingOfOurs = noClasses().that().resideInAPackage("io.calbridge.provider..")
            .should().dependOnClassesThat().resideInAnyPackage("io.calbridge.platform..", "io.calbridge.connection..",
                    "io.calbridge.sync..", "io.calbridge.appointment..", "io.calbridge.event..", "io.calbridge.availability..");

    @ArchTest
    static final ArchRule adaptersNeverTouchStorage = noClasses().that().resideInAPackage("io.calbridge.provider..")
            .should().dependOnClassesThat().resideInAnyPackage("org.springframework.jdbc..", "java.sql..", "javax.sql..",
                    "jakarta.persistence..", "org.hibernate.orm..", "org.hibernate.annotations..", "org.springframework.data..");

    @ArchTest
    static final ArchRule platformDependsOnNoFeature = noClasses().that().resideInAPackage("io.calbridge.platform..")
            .should().dependOnClassesThat().resideInAnyPackage("io.calbridge.connection..", "io.calbridge.sync..",
                    "io.calbridge.appointment..", "io.calbridge.event..", "io.calbridge.availability..");

    @ArchTest
    static final ArchRule googleSdkStaysInItsAdapter = noClasses().that().resideOutsideOfPackage("io.calbridge.provider.google..")
            .should().dependOnClassesThat().resideInAnyPackage("com.google.api.services.calendar..", "com.google.api.client..")
            .allowEmptyShould(true);

    @ArchTest
    static final ArchRule graphSdkStaysInItsAdapter = noClasses().that().resideOutsideOfPackage("io.calbridge.provider.microsoft..")
            .should().dependOnClassesThat().resideInAnyPackage("com.microsoft.graph..", "com.microsoft.kiota..")
            .allowEmptyShould(true);
}
