# Test variant of ../node.pkr.hcl for the AWS emulator and Debian's Packer 1.6.6 (amazon-ebs
# built in), used by test/e2e/bake-ami*.test.ts. It differs from the shipped template only where
# the emulator or that Packer forces it to:
# - custom_endpoint_ec2: Packer's amazon builder ignores AWS_ENDPOINT_URL, so the emulator's
#   address comes in as a variable (through the action's `vars` input).
# - communicator = "none": the emulator records instances but runs nothing, so there is no
#   machine to SSH into. The build goes straight from "instance running" to CreateImage.
# - shell-local instead of shell/file/ansible-local: those provisioners need a communicator.
#   shell-local runs here, on the runner, and checks what the real build would upload (the
#   scripts parse) and records the variables bake-ami passed in packer-evidence.txt (in the working
#   directory, a temp workspace in the tests), for the test to assert on.
# - no metadata_options/imds_support: Packer 1.6.6 predates them (the shipped template has them;
#   `packer validate` with a current Packer checks it, see ../README.md).

variable "base_ami" {
  type = string
}

variable "ami_name" {
  type = string
}

variable "fingerprint" {
  type = string
}

variable "playbooks_pointer" {
  type    = string
  default = ""
}

variable "region" {
  type    = string
  default = env("AWS_REGION")
}

locals {
  name_prefix = regex_replace(var.ami_name, "-[0-9]{8}-[0-9]{6}-[0-9a-f]{12}$", "")
}

variable "ec2_endpoint" {
  type        = string
  description = "The emulator's address, e.g. http://127.0.0.1:5000."
}

source "amazon-ebs" "node" {
  region                 = var.region
  source_ami             = var.base_ami
  ami_name               = var.ami_name
  ami_description        = "ECS node image ${var.ami_name} from ${var.base_ami}"
  instance_type          = "t3.small"
  communicator           = "none"
  custom_endpoint_ec2    = var.ec2_endpoint
  skip_region_validation = true

  launch_block_device_mappings {
    device_name           = "/dev/xvda"
    volume_size           = 30
    volume_type           = "gp3"
    iops                  = 3000
    throughput            = 125
    delete_on_termination = true
  }

  tags = {
    Name                   = var.ami_name
    "bake-ami:name-prefix" = local.name_prefix
    "bake-ami:fingerprint" = var.fingerprint
  }
}

build {
  sources = ["source.amazon-ebs.node"]

  provisioner "shell-local" {
    inline = [
      "set -eu",
      "for script in ${path.root}/../scripts/*.sh; do sh -n \"$script\"; done",
      "printf 'base_ami=%s\\nami_name=%s\\nfingerprint=%s\\nplaybooks_pointer=%s\\nscripts=%s\\n' '${var.base_ami}' '${var.ami_name}' '${var.fingerprint}' '${var.playbooks_pointer}' \"$(ls ${path.root}/../scripts | tr '\\n' ' ')\" > '${path.cwd}/packer-evidence.txt'",
    ]
  }

  post-processor "manifest" {
    output     = "${path.cwd}/packer-manifest.json"
    strip_path = true
  }
}
