# Variables of the node AMI template. bake-ami always passes base_ami, ami_name and
# fingerprint, and playbooks_pointer when the action's playbooks-pointer input is set; anything
# else comes from the action's `vars` input (KEY=value lines).

variable "base_ami" {
  type        = string
  description = "The image to start from (bake-ami resolves the newest ECS-optimized AMI)."
}

variable "ami_name" {
  type        = string
  description = "The new image's name: prefix, build time and short fingerprint (set by bake-ami)."
}

variable "fingerprint" {
  type        = string
  description = "sha256 over base image, template files, vars and playbook release (set by bake-ami)."
}

variable "playbooks_pointer" {
  type        = string
  default     = ""
  description = "S3 URI of sync-playbooks' current.json; nodes pull playbook releases from beside it."
}

variable "region" {
  type        = string
  default     = env("AWS_REGION")
  description = "Region to build in; bake-ami sets AWS_REGION to its region."
}

variable "instance_type" {
  type    = string
  default = "t3.small"
}

variable "root_volume_size" {
  type        = number
  default     = 30
  description = "GiB of the root volume (the ECS-optimized AL2023 AMI uses 30)."
}

variable "subnet_id" {
  type        = string
  default     = ""
  description = "Subnet for the build instance; empty lets Packer use the default VPC."
}

variable "associate_public_ip_address" {
  type    = bool
  default = true
}

variable "ssh_username" {
  type    = string
  default = "ec2-user"
}

variable "ansible_extra_vars" {
  type        = string
  default     = ""
  description = "Extra variables for the bake-time run of site.yml, as ansible-playbook --extra-vars text."
}
