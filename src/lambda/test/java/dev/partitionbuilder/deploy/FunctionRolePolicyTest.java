package dev.partitionbuilder.deploy;

import static dev.partitionbuilder.deploy.Policies.ATHENA_COUNT;
import static dev.partitionbuilder.deploy.Policies.ATHENA_COUNT_NEEDS;
import static dev.partitionbuilder.deploy.Policies.ATHENA_CTAS;
import static dev.partitionbuilder.deploy.Policies.ATHENA_CTAS_NEEDS;
import static dev.partitionbuilder.deploy.Policies.CODE;
import static dev.partitionbuilder.deploy.Policies.FUNCTION_ROLE;
import static dev.partitionbuilder.deploy.Policies.LAMBDA;
import static dev.partitionbuilder.deploy.Policies.LAMBDA_RUNTIME;
import static dev.partitionbuilder.deploy.SamTemplate.FUNCTION;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The function's execution role: every call the code makes is allowed, and nothing much else. */
class FunctionRolePolicyTest {
  private static Set<String> operations;

  private final SamTemplate template = SamTemplate.load();
  private final List<Statement> statements = Policies.functionRoleWithEveryOption();

  @BeforeAll
  static void runTheCodeAgainstRecordingClients() {
    operations = SdkCalls.ofTheScenario();
  }

  @Test
  void scenarioReachesEveryOperationTheMappingTableKnows() {
    // A table entry the scenario never reaches would be a permission nothing shows is needed.
    assertThat(operations).isEqualTo(SdkCalls.IAM_ACTION.keySet());
  }

  @Test
  void everyAwsCallTheCodeMakesIsAllowedByTheFunctionRole() {
    Set<String> needed = SdkCalls.iamActions(operations);

    assertThat(actions(statements)).containsAll(needed);
    assertThat(actions(withSidPrefix(CODE))).isEqualTo(needed);
  }

  @Test
  void anAwsCallWithoutAMappingToAnIamActionFailsTheCheck() {
    Set<String> withANewCall = new TreeSet<>(operations);
    withANewCall.add("S3Client.headObject");

    assertThatThrownBy(() -> SdkCalls.iamActions(withANewCall))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("S3Client.headObject");
  }

  @Test
  void functionRoleGrantsOnlyCodeCallsAthenaCtasNeedsAndTheLambdaRuntime() {
    Set<String> code = SdkCalls.iamActions(operations);

    for (Statement s : statements) {
      String sid = s.sid();
      Set<String> allowed =
          sid.startsWith(CODE)
              ? code
              : sid.startsWith(ATHENA_CTAS)
                  ? ATHENA_CTAS_NEEDS
                  : sid.startsWith(ATHENA_COUNT)
                      ? ATHENA_COUNT_NEEDS
                      : sid.startsWith(LAMBDA) ? LAMBDA_RUNTIME : Set.of();
      assertThat(allowed)
          .as("actions of " + sid + " (Sid prefix Code, AthenaCtas, AthenaCount or Lambda)")
          .containsAll(s.actions());
    }
    assertThat(actions(withSidPrefix(LAMBDA))).isEqualTo(LAMBDA_RUNTIME);
  }

  @Test
  void everyStatementHasItsOwnSidAndAllowsNamedActionsOnNamedResources() {
    assertWellFormed(statements);
    assertWellFormed(
        Statement.all(
            Resolver.withExampleValues(Map.of()).resolve(template.roleStatements("ScheduleRole"))));
  }

  @Test
  void objectsAreDeletedOnlyUnderTheDestinationPrefix() {
    Resolver example = Resolver.withExampleValues(Map.of());
    String partitions =
        "arn:aws:s3:::"
            + example.parameter("DestinationBucket")
            + "/"
            + example.parameter("DestinationPrefix")
            + "*";

    String locks =
        "arn:aws:s3:::"
            + example.parameter("DestinationBucket")
            + "/"
            + example.parameter("DestinationPrefix")
            + "_locks/*";
    String state =
        "arn:aws:s3:::"
            + example.parameter("DestinationBucket")
            + "/"
            + example.parameter("DestinationPrefix")
            + "_state/*";

    assertThat(granting("s3:DeleteObject"))
        .flatExtracting(Statement::resources)
        .containsOnly(partitions, locks, state);
  }

  @Test
  void theMonthLockMayBeWrittenReadAndDeletedOnlyUnderTheLocksPrefix() {
    Resolver example = Resolver.withExampleValues(Map.of());
    String locks =
        "arn:aws:s3:::"
            + example.parameter("DestinationBucket")
            + "/"
            + example.parameter("DestinationPrefix")
            + "_locks/*";

    assertThat(statements)
        .filteredOn(s -> s.sid().equals("CodeMonthLock"))
        .singleElement()
        .satisfies(
            s -> {
              assertThat(s.actions())
                  .containsExactlyInAnyOrder("s3:PutObject", "s3:GetObject", "s3:DeleteObject");
              assertThat(s.resources()).containsExactly(locks);
            });
  }

  @Test
  void theBuildStateMayBeWrittenReadAndDeletedOnlyUnderTheStatePrefix() {
    Resolver example = Resolver.withExampleValues(Map.of());
    String state =
        "arn:aws:s3:::"
            + example.parameter("DestinationBucket")
            + "/"
            + example.parameter("DestinationPrefix")
            + "_state/*";

    assertThat(statements)
        .filteredOn(s -> s.sid().equals("CodeBuildState"))
        .singleElement()
        .satisfies(
            s -> {
              assertThat(s.actions())
                  .containsExactlyInAnyOrder("s3:PutObject", "s3:GetObject", "s3:DeleteObject");
              assertThat(s.resources()).containsExactly(state);
            });
  }

  @Test
  void catalogWritesTouchOnlyTheTemporaryTables() {
    Resolver example = Resolver.withExampleValues(Map.of());
    String tempTables =
        "arn:aws:glue:"
            + Resolver.REGION
            + ":"
            + Resolver.ACCOUNT_ID
            + ":table/"
            + example.parameter("GlueDatabase")
            + "/"
            + example.parameter("DestinationTable")
            + "_temp_*";

    for (String write : List.of("glue:CreateTable", "glue:DeleteTable")) {
      assertThat(granting(write))
          .flatExtracting(Statement::resources)
          .filteredOn(arn -> arn.contains(":table/"))
          .as(write)
          .containsOnly(tempTables);
    }
  }

  @Test
  void everyListBucketIsLimitedToThePrefixItNeeds() {
    assertThat(granting("s3:ListBucket"))
        .isNotEmpty()
        .allSatisfy(
            s -> {
              assertThat(s.resources()).hasSize(1);
              assertThat(s.condition()).as(s.sid()).isInstanceOf(Map.class);
              Map<?, ?> like = (Map<?, ?>) ((Map<?, ?>) s.condition()).get("StringLike");
              assertThat(like).as(s.sid() + " StringLike").isNotNull();
              assertThat(String.valueOf(like.get("s3:prefix")))
                  .as(s.sid() + " s3:prefix")
                  .endsWith("/*");
            });
  }

  @Test
  void lambdaRuntimeMayReadOnlyTheTriggerQueueAndWriteOnlyItsOwnLogGroup() {
    assertThat(granting("sqs:ReceiveMessage"))
        .flatExtracting(Statement::resources)
        .containsOnly("<TriggerQueue.Arn>");
    assertThat(granting("logs:PutLogEvents"))
        .flatExtracting(Statement::resources)
        .containsOnly("<FunctionLogGroup.Arn>");
  }

  @Test
  void
      countingTheRowsAPartitionHoldsReadsOnlyTheLongLivedTableAndItsPrefixAndOnlyWhenMinPreviousRowsPercentIsSet() {
    Resolver example = Resolver.withExampleValues(Map.of());
    String glue = "arn:aws:glue:" + Resolver.REGION + ":" + Resolver.ACCOUNT_ID + ":";

    assertThat(Policies.functionRole(Map.of()))
        .extracting(Statement::sid)
        .noneMatch(sid -> sid.startsWith(ATHENA_COUNT));
    assertThat(Policies.functionRole(Map.of("MinPreviousRowsPercent", "0")))
        .extracting(Statement::sid)
        .noneMatch(sid -> sid.startsWith(ATHENA_COUNT));
    assertThat(withSidPrefix(ATHENA_COUNT))
        .extracting(Statement::sid)
        .containsExactlyInAnyOrder("AthenaCountReadDestinationTable", "AthenaCountReadPartitions");
    assertThat(withSidPrefix(ATHENA_COUNT))
        .filteredOn(s -> s.actions().contains("glue:GetTable"))
        .flatExtracting(Statement::resources)
        .containsExactlyInAnyOrder(
            glue + "catalog",
            glue + "database/" + example.parameter("GlueDatabase"),
            glue
                + "table/"
                + example.parameter("GlueDatabase")
                + "/"
                + example.parameter("DestinationTable"));
    assertThat(withSidPrefix(ATHENA_COUNT))
        .filteredOn(s -> s.actions().contains("s3:GetObject"))
        .flatExtracting(Statement::resources)
        .containsExactly(
            "arn:aws:s3:::"
                + example.parameter("DestinationBucket")
                + "/"
                + example.parameter("DestinationPrefix")
                + "*");
  }

  @Test
  void functionUsesTheTemplatesRoleSoNoManagedPolicyWithAllResourcesIsAdded() {
    Map<String, Object> function = template.properties(FUNCTION);

    assertThat(function.get("Role")).isEqualTo(Map.of("Fn::GetAtt", List.of(FUNCTION_ROLE, "Arn")));
    assertThat(function).doesNotContainKey("Policies");
    assertThat(template.properties(FUNCTION_ROLE)).doesNotContainKeys("ManagedPolicyArns");
  }

  @Test
  void templateReadFromS3IsTheOnlyObjectOutsideTheTablesTheFunctionMayRead() {
    assertThat(Policies.functionRole(Map.of()))
        .extracting(Statement::sid)
        .doesNotContain("CodeReadCtasTemplate");

    assertThat(statements)
        .filteredOn(s -> s.sid().equals("CodeReadCtasTemplate"))
        .flatExtracting(Statement::resources)
        .containsExactly("arn:aws:s3:::" + SdkCalls.TEMPLATE_URI.substring("s3://".length()));
  }

  static void assertWellFormed(List<Statement> statements) {
    assertThat(statements).isNotEmpty();
    assertThat(statements)
        .extracting(Statement::sid)
        .doesNotContainNull()
        .doesNotHaveDuplicates()
        .allSatisfy(sid -> assertThat(sid).matches("[A-Za-z0-9]+"));
    assertThat(statements)
        .allSatisfy(
            s -> {
              assertThat(s.effect()).as(s.sid()).isEqualTo("Allow");
              assertThat(s.actions())
                  .as(s.sid() + " actions")
                  .isNotEmpty()
                  .allSatisfy(action -> assertThat(action).matches("[a-z0-9]+:[A-Za-z0-9]+"));
              assertThat(s.resources()).as(s.sid() + " resources").isNotEmpty().doesNotContain("*");
            });
  }

  private List<Statement> withSidPrefix(String prefix) {
    return statements.stream().filter(s -> s.sid().startsWith(prefix)).toList();
  }

  private List<Statement> granting(String action) {
    return statements.stream().filter(s -> s.actions().contains(action)).toList();
  }

  private static Set<String> actions(List<Statement> statements) {
    return statements.stream()
        .flatMap(s -> s.actions().stream())
        .collect(Collectors.toCollection(TreeSet::new));
  }
}
