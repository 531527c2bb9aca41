package dev.partitionbuilder.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CloudFormationYamlTest {
  @Test
  void shortFormTagsBecomeTheLongFormCloudFormationDocuments() {
    Map<String, Object> parsed =
        CloudFormationYaml.parse(
            """
        ref: !Ref Bucket
        sub: !Sub arn:${AWS::Partition}:s3:::${Bucket}/*
        att: !GetAtt Queue.Arn
        cond: !Not [!Equals [!Ref Topic, ""]]
        pick: !If [HasTopic, !Select [1, !Split ["s3://", !Ref Uri]], !Ref AWS::NoValue]
        joined: !Join ["", [a, !Ref B]]
        """);

    assertThat(parsed.get("ref")).isEqualTo(Map.of("Ref", "Bucket"));
    assertThat(parsed.get("sub"))
        .isEqualTo(Map.of("Fn::Sub", "arn:${AWS::Partition}:s3:::${Bucket}/*"));
    assertThat(parsed.get("att")).isEqualTo(Map.of("Fn::GetAtt", List.of("Queue", "Arn")));
    assertThat(parsed.get("cond"))
        .isEqualTo(
            Map.of("Fn::Not", List.of(Map.of("Fn::Equals", List.of(Map.of("Ref", "Topic"), "")))));
    assertThat(parsed.get("pick"))
        .isEqualTo(
            Map.of(
                "Fn::If",
                List.of(
                    "HasTopic",
                    Map.of(
                        "Fn::Select",
                        List.of(1, Map.of("Fn::Split", List.of("s3://", Map.of("Ref", "Uri"))))),
                    Map.of("Ref", "AWS::NoValue"))));
    assertThat(parsed.get("joined"))
        .isEqualTo(Map.of("Fn::Join", List.of("", List.of("a", Map.of("Ref", "B")))));
  }

  @Test
  void resolverEvaluatesConditionsAndDropsNoValue() {
    SamTemplate template = SamTemplate.load();

    Resolver none = new Resolver(template, Map.of("AlarmTopicArn", ""));
    Resolver some =
        new Resolver(template, Map.of("AlarmTopicArn", "arn:aws:sns:eu-west-1:123456789012:t"));

    assertThat(none.condition("HasAlarmTopic")).isFalse();
    assertThat(some.condition("HasAlarmTopic")).isTrue();
    assertThat(none.resolve(List.of("kept", Map.of("Ref", "AWS::NoValue"))))
        .isEqualTo(List.of("kept"));
    assertThat(
            some.resolve(
                Map.of("Fn::Sub", "arn:${AWS::Partition}:x:${AWS::Region}:${AWS::AccountId}")))
        .isEqualTo("arn:aws:x:" + Resolver.REGION + ":" + Resolver.ACCOUNT_ID);
  }
}
