# The node AMI: the ECS-optimized Amazon Linux 2023 image plus Ansible, ecs-node-sync and its
# timer, with the playbooks applied once, cleaned so every instance starts as a new node.
# Needs Packer >= 1.9 with the amazon and ansible plugins (`packer init` installs them; bake-ami
# runs it because of required_plugins). See README.md.

packer {
  required_version = ">= 1.9.0"
  required_plugins {
    amazon = {
      source  = "github.com/hashicorp/amazon"
      version = ">= 1.2.9"
    }
    ansible = {
      source  = "github.com/hashicorp/ansible"
      version = ">= 1.0.3"
    }
  }
}

locals {
  # sync-playbooks writes <prefix>/current.json; ecs-node-sync is pointed at <prefix>.
  playbooks_source = trimsuffix(var.playbooks_pointer, "/current.json")
  # bake-ami names the image <name-prefix>-<YYYYMMDD>-<HHMMSS>-<fingerprint[0:12]>. Tagging the
  # prefix at build time (no extra variable needed) means an image whose bake-ami run died
  # before its own tagging is still found by the prefix tag, like every other image it built.
  name_prefix = regex_replace(var.ami_name, "-[0-9]{8}-[0-9]{6}-[0-9a-f]{12}$", "")
}

source "amazon-ebs" "node" {
  region                      = var.region
  source_ami                  = var.base_ami
  ami_name                    = var.ami_name
  ami_description             = "ECS node image ${var.ami_name} from ${var.base_ami}"
  instance_type               = var.instance_type
  subnet_id                   = var.subnet_id
  associate_public_ip_address = var.associate_public_ip_address
  ssh_username                = var.ssh_username
  ssh_timeout                 = "10m"

  # IMDSv2 only: for the build instance, and (imds_support) for every instance launched from
  # the image. A hop limit of 2 lets containers on the bridge network reach IMDS.
  metadata_options {
    http_endpoint               = "enabled"
    http_tokens                 = "required"
    http_put_response_hop_limit = 2
  }
  imds_support = "v2.0"

  launch_block_device_mappings {
    device_name           = "/dev/xvda"
    volume_size           = var.root_volume_size
    volume_type           = "gp3"
    iops                  = 3000
    throughput            = 125
    delete_on_termination = true
  }

  run_tags = {
    Name = "packer ${var.ami_name}"
  }
  # bake-ami adds its other tags (build time, source commit, playbook release…) after Packer.
  tags = {
    Name                   = var.ami_name
    "bake-ami:name-prefix" = local.name_prefix
    "bake-ami:fingerprint" = var.fingerprint
    "bake-ami:base-ami-id" = var.base_ami
  }
  snapshot_tags = {
    Name                   = var.ami_name
    "bake-ami:name-prefix" = local.name_prefix
    "bake-ami:fingerprint" = var.fingerprint
  }
}

build {
  sources = ["source.amazon-ebs.node"]

  provisioner "shell" {
    execute_command = "sudo -E sh -eu '{{ .Path }}'"
    script          = "${path.root}/scripts/install-ansible.sh"
  }

  # The pull script and any systemd units beside it (ecs-node/bin).
  provisioner "file" {
    source      = "${path.root}/../bin/"
    destination = "/tmp/ecs-node-bin"
  }

  provisioner "shell" {
    execute_command = "sudo -E sh -eu '{{ .Path }}'"
    script          = "${path.root}/scripts/install-ecs-node-sync.sh"
  }

  # Apply the playbooks once at bake time (Ansible itself, the sync units and timer, time sync,
  # packages) so a new instance boots nearly configured. The build instance has no env/cluster
  # tags, so placeholders stand in; prepare-for-capture.sh removes what they produced, and the
  # boot run of ecs-node-sync (before ecs.service) applies the current release with the
  # instance's own tags.
  provisioner "ansible-local" {
    playbook_dir  = "${path.root}/../playbooks"
    playbook_file = "${path.root}/../playbooks/site.yml"
    extra_arguments = [
      "--extra-vars",
      "\"ecs_node_sync_source=${local.playbooks_source} ecs_node_release=bake-${substr(var.fingerprint, 0, 12)} ecs_node_environment=image-bake ecs_node_cluster=image-bake ${var.ansible_extra_vars}\"",
    ]
  }

  provisioner "shell" {
    execute_command = "sudo -E sh -eu '{{ .Path }}'"
    script          = "${path.root}/scripts/prepare-for-capture.sh"
  }

  post-processor "manifest" {
    output     = "${path.cwd}/packer-manifest.json"
    strip_path = true
    custom_data = {
      fingerprint = var.fingerprint
    }
  }
}
