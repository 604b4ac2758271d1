/**
 * The EC2 operations bake-ami uses, with SDK-shaped inputs and outputs (types only from
 * @aws-sdk/client-ec2), over the small Query client. Each serializer writes EC2's query names
 * (`Filter.1.Value.1`, `ResourceId.1`, `SetDefaultVersion`…), which differ from the SDK member
 * names; each reader maps the XML members bake-ami reads.
 */
import type {
  CopyImageRequest,
  CreateLaunchTemplateVersionRequest,
  CreateTagsRequest,
  DeleteSnapshotRequest,
  DeregisterImageRequest,
  DescribeImagesRequest,
  DescribeInstancesRequest,
  DescribeLaunchTemplatesRequest,
  DescribeLaunchTemplateVersionsRequest,
  Filter,
  Image,
  Instance,
  LaunchTemplate,
  LaunchTemplateVersion,
  ModifyImageAttributeRequest,
  ModifyLaunchTemplateRequest,
  ModifySnapshotAttributeRequest,
  Tag,
} from '@aws-sdk/client-ec2';
import type { Ec2QueryClient } from './query-client';
import { child, items, text, type XmlElement } from './xml';

/** The EC2 API as bake-ami's domain code sees it. */
export interface Ec2 {
  describeImages(input: DescribeImagesRequest): Promise<{ Images: Image[]; NextToken?: string }>;
  createTags(input: CreateTagsRequest): Promise<void>;
  modifyImageAttribute(input: ModifyImageAttributeRequest): Promise<void>;
  modifySnapshotAttribute(input: ModifySnapshotAttributeRequest): Promise<void>;
  copyImage(input: CopyImageRequest): Promise<{ ImageId?: string }>;
  describeLaunchTemplates(
    input: DescribeLaunchTemplatesRequest,
  ): Promise<{ LaunchTemplates: LaunchTemplate[] }>;
  describeLaunchTemplateVersions(
    input: DescribeLaunchTemplateVersionsRequest,
  ): Promise<{ LaunchTemplateVersions: LaunchTemplateVersion[] }>;
  createLaunchTemplateVersion(
    input: CreateLaunchTemplateVersionRequest,
  ): Promise<{ LaunchTemplateVersion?: LaunchTemplateVersion }>;
  modifyLaunchTemplate(input: ModifyLaunchTemplateRequest): Promise<void>;
  describeInstances(
    input: DescribeInstancesRequest,
  ): Promise<{ Reservations: { Instances: Instance[] }[]; NextToken?: string }>;
  deregisterImage(input: DeregisterImageRequest): Promise<void>;
  deleteSnapshot(input: DeleteSnapshotRequest): Promise<void>;
}

type Params = Record<string, string>;

/** Adds `prefix.1`, `prefix.2`… for a list of strings. */
function list(params: Params, prefix: string, values: (string | undefined)[] | undefined): void {
  (values ?? []).forEach((value, index) => {
    if (value !== undefined) params[`${prefix}.${index + 1}`] = value;
  });
}

function scalar(params: Params, name: string, value: string | number | boolean | undefined): void {
  if (value !== undefined) params[name] = String(value);
}

function filters(params: Params, values: Filter[] | undefined): void {
  (values ?? []).forEach((filter, index) => {
    scalar(params, `Filter.${index + 1}.Name`, filter.Name);
    list(params, `Filter.${index + 1}.Value`, filter.Values);
  });
}

/** Query parameters of each operation, from SDK-shaped input. Pure. */
export const serialize = {
  DescribeImages(input: DescribeImagesRequest): Params {
    const params: Params = {};
    list(params, 'ImageId', input.ImageIds);
    list(params, 'Owner', input.Owners);
    filters(params, input.Filters);
    scalar(params, 'MaxResults', input.MaxResults);
    scalar(params, 'NextToken', input.NextToken);
    return params;
  },
  CreateTags(input: CreateTagsRequest): Params {
    const params: Params = {};
    list(params, 'ResourceId', input.Resources);
    (input.Tags ?? []).forEach((tag, index) => {
      scalar(params, `Tag.${index + 1}.Key`, tag.Key);
      scalar(params, `Tag.${index + 1}.Value`, tag.Value);
    });
    return params;
  },
  ModifyImageAttribute(input: ModifyImageAttributeRequest): Params {
    const params: Params = {};
    scalar(params, 'ImageId', input.ImageId);
    (input.LaunchPermission?.Add ?? []).forEach((permission, index) =>
      scalar(params, `LaunchPermission.Add.${index + 1}.UserId`, permission.UserId),
    );
    (input.LaunchPermission?.Remove ?? []).forEach((permission, index) =>
      scalar(params, `LaunchPermission.Remove.${index + 1}.UserId`, permission.UserId),
    );
    return params;
  },
  ModifySnapshotAttribute(input: ModifySnapshotAttributeRequest): Params {
    const params: Params = {};
    scalar(params, 'SnapshotId', input.SnapshotId);
    scalar(params, 'Attribute', input.Attribute);
    scalar(params, 'OperationType', input.OperationType);
    list(params, 'UserId', input.UserIds);
    return params;
  },
  CopyImage(input: CopyImageRequest): Params {
    const params: Params = {};
    scalar(params, 'SourceImageId', input.SourceImageId);
    scalar(params, 'SourceRegion', input.SourceRegion);
    scalar(params, 'Name', input.Name);
    scalar(params, 'Description', input.Description);
    return params;
  },
  DescribeLaunchTemplates(input: DescribeLaunchTemplatesRequest): Params {
    const params: Params = {};
    list(params, 'LaunchTemplateId', input.LaunchTemplateIds);
    list(params, 'LaunchTemplateName', input.LaunchTemplateNames);
    return params;
  },
  DescribeLaunchTemplateVersions(input: DescribeLaunchTemplateVersionsRequest): Params {
    const params: Params = {};
    scalar(params, 'LaunchTemplateId', input.LaunchTemplateId);
    scalar(params, 'LaunchTemplateName', input.LaunchTemplateName);
    list(params, 'LaunchTemplateVersion', input.Versions);
    return params;
  },
  CreateLaunchTemplateVersion(input: CreateLaunchTemplateVersionRequest): Params {
    const params: Params = {};
    scalar(params, 'LaunchTemplateId', input.LaunchTemplateId);
    scalar(params, 'LaunchTemplateName', input.LaunchTemplateName);
    scalar(params, 'SourceVersion', input.SourceVersion);
    scalar(params, 'VersionDescription', input.VersionDescription);
    scalar(params, 'LaunchTemplateData.ImageId', input.LaunchTemplateData?.ImageId);
    return params;
  },
  ModifyLaunchTemplate(input: ModifyLaunchTemplateRequest): Params {
    const params: Params = {};
    scalar(params, 'LaunchTemplateId', input.LaunchTemplateId);
    scalar(params, 'LaunchTemplateName', input.LaunchTemplateName);
    scalar(params, 'SetDefaultVersion', input.DefaultVersion);
    return params;
  },
  DescribeInstances(input: DescribeInstancesRequest): Params {
    const params: Params = {};
    list(params, 'InstanceId', input.InstanceIds);
    filters(params, input.Filters);
    scalar(params, 'NextToken', input.NextToken);
    return params;
  },
  DeregisterImage(input: DeregisterImageRequest): Params {
    const params: Params = {};
    scalar(params, 'ImageId', input.ImageId);
    return params;
  },
  DeleteSnapshot(input: DeleteSnapshotRequest): Params {
    const params: Params = {};
    scalar(params, 'SnapshotId', input.SnapshotId);
    return params;
  },
};

const int = (value: string | undefined) => (value === undefined ? undefined : Number(value));

function readTags(element: XmlElement | undefined): Tag[] {
  return items(element, 'tagSet').map((tag) => ({ Key: text(tag, 'key'), Value: text(tag, 'value') ?? '' }));
}

/** An `<item>` of `imagesSet`, as the SDK's `Image`. Pure. */
export function readImage(element: XmlElement): Image {
  return {
    ImageId: text(element, 'imageId'),
    Name: text(element, 'name'),
    Description: text(element, 'description'),
    State: text(element, 'imageState') as Image['State'],
    ...(child(element, 'stateReason')
      ? {
          StateReason: {
            Code: text(child(element, 'stateReason'), 'code'),
            Message: text(child(element, 'stateReason'), 'message'),
          },
        }
      : {}),
    OwnerId: text(element, 'imageOwnerId'),
    CreationDate: text(element, 'creationDate'),
    Tags: readTags(element),
    BlockDeviceMappings: items(element, 'blockDeviceMapping').map((mapping) => ({
      DeviceName: text(mapping, 'deviceName'),
      ...(child(mapping, 'ebs') ? { Ebs: { SnapshotId: text(child(mapping, 'ebs'), 'snapshotId') } } : {}),
    })),
  };
}

function readLaunchTemplateVersion(element: XmlElement): LaunchTemplateVersion {
  return {
    LaunchTemplateId: text(element, 'launchTemplateId'),
    LaunchTemplateName: text(element, 'launchTemplateName'),
    VersionNumber: int(text(element, 'versionNumber')),
    DefaultVersion: text(element, 'defaultVersion') === 'true',
    LaunchTemplateData: { ImageId: text(child(element, 'launchTemplateData'), 'imageId') },
  };
}

/** The `Ec2` operations over a Query client. */
export function ec2Api(client: Ec2QueryClient): Ec2 {
  const call = (action: keyof typeof serialize, params: Params) => client.call(action, params);
  return {
    async describeImages(input) {
      const root = await call('DescribeImages', serialize.DescribeImages(input));
      return { Images: items(root, 'imagesSet').map(readImage), NextToken: text(root, 'nextToken') };
    },
    async createTags(input) {
      await call('CreateTags', serialize.CreateTags(input));
    },
    async modifyImageAttribute(input) {
      await call('ModifyImageAttribute', serialize.ModifyImageAttribute(input));
    },
    async modifySnapshotAttribute(input) {
      await call('ModifySnapshotAttribute', serialize.ModifySnapshotAttribute(input));
    },
    async copyImage(input) {
      const root = await call('CopyImage', serialize.CopyImage(input));
      return { ImageId: text(root, 'imageId') };
    },
    async describeLaunchTemplates(input) {
      const root = await call('DescribeLaunchTemplates', serialize.DescribeLaunchTemplates(input));
      return {
        LaunchTemplates: items(root, 'launchTemplates').map((element) => ({
          LaunchTemplateId: text(element, 'launchTemplateId'),
          LaunchTemplateName: text(element, 'launchTemplateName'),
          DefaultVersionNumber: int(text(element, 'defaultVersionNumber')),
          LatestVersionNumber: int(text(element, 'latestVersionNumber')),
        })),
      };
    },
    async describeLaunchTemplateVersions(input) {
      const root = await call(
        'DescribeLaunchTemplateVersions',
        serialize.DescribeLaunchTemplateVersions(input),
      );
      return {
        LaunchTemplateVersions: items(root, 'launchTemplateVersionSet').map(readLaunchTemplateVersion),
      };
    },
    async createLaunchTemplateVersion(input) {
      const root = await call('CreateLaunchTemplateVersion', serialize.CreateLaunchTemplateVersion(input));
      const version = child(root, 'launchTemplateVersion');
      return { LaunchTemplateVersion: version ? readLaunchTemplateVersion(version) : undefined };
    },
    async modifyLaunchTemplate(input) {
      await call('ModifyLaunchTemplate', serialize.ModifyLaunchTemplate(input));
    },
    async describeInstances(input) {
      const root = await call('DescribeInstances', serialize.DescribeInstances(input));
      return {
        Reservations: items(root, 'reservationSet').map((reservation) => ({
          Instances: items(reservation, 'instancesSet').map((instance) => ({
            InstanceId: text(instance, 'instanceId'),
            ImageId: text(instance, 'imageId'),
            State: {
              Name: text(child(instance, 'instanceState'), 'name') as NonNullable<Instance['State']>['Name'],
            },
          })),
        })),
        NextToken: text(root, 'nextToken'),
      };
    },
    async deregisterImage(input) {
      await call('DeregisterImage', serialize.DeregisterImage(input));
    },
    async deleteSnapshot(input) {
      await call('DeleteSnapshot', serialize.DeleteSnapshot(input));
    },
  };
}
