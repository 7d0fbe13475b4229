"""What every module uses and no module owns."""
