"""What the template adds for operators: the EventBridge bus every event is put on (a SIEM
subscription or a rule takes them from there), the dispatcher's settings (one at a time, a
minute long, its failed runs kept in a dead-letter queue), and alarms on the API's 5xx rate,
throttled functions and that queue's depth, all sent to one SNS topic operators subscribe to."""
from __future__ import annotations

from typing import Any

DISPATCHER = "DispatchEvents"  # chalicelib.webhooks.views.dispatch_events, as Chalice names its function
COUNTER = "CountDownloads"  # chalicelib.downloads.views.count_downloads
FUNCTIONS = ("APIHandler", DISPATCHER, COUNTER)


def statements() -> list[dict[str, Any]]:
    """The role's rights over these resources."""
    return [{"Effect": "Allow", "Action": ["events:PutEvents"], "Resource": {"Fn::GetAtt": ["EventBus", "Arn"]}},
            {"Effect": "Allow", "Action": ["sqs:SendMessage"],
             "Resource": {"Fn::GetAtt": ["DispatcherDeadLetters", "Arn"]}}]


def environment() -> dict[str, Any]:
    return {"CHEESESHOP_EVENT_BUS": {"Ref": "EventBus"}}


def _alarm(description: str, namespace: str, metric: str, dimensions: dict[str, Any], statistic: str,
           threshold: float, periods: int = 1) -> dict[str, Any]:
    return {"Type": "AWS::CloudWatch::Alarm", "Properties": {
        "AlarmDescription": description, "Namespace": namespace, "MetricName": metric,
        "Dimensions": [{"Name": name, "Value": value} for name, value in dimensions.items()],
        "Statistic": statistic, "Period": 300, "EvaluationPeriods": periods, "Threshold": threshold,
        "ComparisonOperator": "GreaterThanThreshold", "TreatMissingData": "notBreaching",
        "AlarmActions": [{"Ref": "AlarmTopic"}], "OKActions": [{"Ref": "AlarmTopic"}]}}


def resources() -> dict[str, Any]:
    return {
        "EventBus": {"Type": "AWS::Events::EventBus", "Properties": {"Name": {"Fn::Sub": "${AWS::StackName}-events"}}},
        "DispatcherDeadLetters": {"Type": "AWS::SQS::Queue", "Properties": {
            "MessageRetentionPeriod": 14 * 24 * 3600, "SqsManagedSseEnabled": True}},
        "AlarmTopic": {"Type": "AWS::SNS::Topic", "Properties": {
            "DisplayName": {"Fn::Sub": "${AWS::StackName} alarms"}}},
        # API Gateway's 5XXError averages to the share of answers that were 5xx.
        "ServerErrorAlarm": _alarm("More than 1% of the API's answers were 5xx for 10 minutes", "AWS/ApiGateway",
                                   "5XXError", {"ApiName": "cheeseshop", "Stage": "api"}, "Average", 0.01, 2),
        **{f"{function}ThrottleAlarm": _alarm(f"{function} was throttled", "AWS/Lambda", "Throttles",
                                              {"FunctionName": {"Ref": function}}, "Sum", 0)
           for function in FUNCTIONS},
        "DeadLetterAlarm": _alarm("A dispatcher run failed: its event is in the dead-letter queue", "AWS/SQS",
                                  "ApproximateNumberOfMessagesVisible",
                                  {"QueueName": {"Fn::GetAtt": ["DispatcherDeadLetters", "QueueName"]}}, "Maximum", 0),
    }


def function_properties(function: str) -> dict[str, Any]:
    """What a function of the template gets besides the stage's settings."""
    if function == COUNTER:  # counts the CDN's logs for 40 s of each minute, one run at a time
        return {"Timeout": 60, "ReservedConcurrentExecutions": 1}
    if function != DISPATCHER:
        return {}
    return {"Timeout": 70, "ReservedConcurrentExecutions": 1,  # polls 50 s of each minute, one at a time
            "DeadLetterQueue": {"Type": "SQS", "TargetArn": {"Fn::GetAtt": ["DispatcherDeadLetters", "Arn"]}}}
