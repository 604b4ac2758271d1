import botocore.exceptions
import pytest


def group(client):
    ec2, asg = client("ec2"), client("autoscaling")
    template = ec2.create_launch_template(LaunchTemplateName="node", LaunchTemplateData={
        "ImageId": "ami-760aaa0f", "InstanceType": "t3.micro"})["LaunchTemplate"]
    ec2.create_launch_template_version(LaunchTemplateName="node", LaunchTemplateData={"ImageId": "ami-12c6146b"})
    asg.create_auto_scaling_group(AutoScalingGroupName="nodes", MinSize=2, MaxSize=2, DesiredCapacity=2,
                                  LaunchTemplate={"LaunchTemplateId": template["LaunchTemplateId"], "Version": "1"},
                                  AvailabilityZones=["us-east-1a"])
    return asg, template["LaunchTemplateId"]


def test_refresh_progresses_to_successful_and_applies_desired_configuration(client):
    asg, template_id = group(client)
    desired = {"LaunchTemplate": {"LaunchTemplateId": template_id, "Version": "2"}}
    refresh_id = asg.start_instance_refresh(AutoScalingGroupName="nodes", DesiredConfiguration=desired,
                                            Preferences={"MinHealthyPercentage": 50, "InstanceWarmup": 60})["InstanceRefreshId"]
    seen = []
    for _ in range(3):
        [refresh] = asg.describe_instance_refreshes(AutoScalingGroupName="nodes")["InstanceRefreshes"]
        seen.append((refresh["Status"], refresh["PercentageComplete"]))
    assert seen == [("InProgress", 0), ("InProgress", 50), ("Successful", 100)]
    assert refresh["InstanceRefreshId"] == refresh_id
    assert refresh["DesiredConfiguration"]["LaunchTemplate"]["Version"] == "2"
    assert refresh["Preferences"]["MinHealthyPercentage"] == 50 and refresh["Preferences"]["InstanceWarmup"] == 60
    assert "EndTime" in refresh
    lt = asg.describe_auto_scaling_groups(AutoScalingGroupNames=["nodes"])["AutoScalingGroups"][0]["LaunchTemplate"]
    assert lt["Version"] == "2"


def test_second_refresh_is_refused_and_cancel_works(client):
    asg, _ = group(client)
    first = asg.start_instance_refresh(AutoScalingGroupName="nodes")["InstanceRefreshId"]
    with pytest.raises(botocore.exceptions.ClientError) as error:
        asg.start_instance_refresh(AutoScalingGroupName="nodes")
    assert error.value.response["Error"]["Code"] == "InstanceRefreshInProgress"
    assert asg.cancel_instance_refresh(AutoScalingGroupName="nodes")["InstanceRefreshId"] == first
    [refresh] = asg.describe_instance_refreshes(AutoScalingGroupName="nodes")["InstanceRefreshes"]
    assert refresh["Status"] == "Cancelled"
    with pytest.raises(botocore.exceptions.ClientError) as error:
        asg.cancel_instance_refresh(AutoScalingGroupName="nodes")
    assert error.value.response["Error"]["Code"] == "ActiveInstanceRefreshNotFound"
