"""Design dataclasses: defaults, sizing, validation and the dict round trip."""
import dataclasses
import math

import numpy as np
import pytest

from twin.design import Battery, Bus, ComputePayload, Radiator, SatelliteDesign, SolarArray
from twin.models import thermal
from twin.studies.sizing import radiator_sizing


def test_defaults_are_the_documented_satellite():
    d = SatelliteDesign()
    assert d.compute.gpus == 64
    assert d.compute.gpu_power_w == 1400.0
    assert d.compute.full_power_w == pytest.approx(115_200.0)
    assert d.solar.area_m2 == 440.0 and d.solar.efficiency == 0.30
    assert d.battery.floor_wh == pytest.approx(d.battery.capacity_wh * 0.7)
    assert d.battery.mass_kg == pytest.approx(d.battery.capacity_wh / 200.0)
    assert d.heat_capacity_j_per_k == pytest.approx(250 * 5 * 900 + 1.0e6)
    # the booked housekeeping: 3.0 kW of bus items plus the two-axis array drives
    assert d.bus.housekeeping_base_w == pytest.approx(3000.0)
    assert d.housekeeping_total_w == pytest.approx(3000.0 + d.solar.drive_power_booked_w)


def test_default_radiator_rejects_full_load_in_the_hot_case():
    """Sizing: the default radiator carries the full load in the hot case at 650 km with a
    small margin, and radiator_sizing agrees with a hand calculation from the face fluxes."""
    d = SatelliteDesign()
    r = radiator_sizing(d, 650.0)
    assert 0.0 < r["margin"] < 0.10
    # by hand: root temperature, fin efficiency, emission of both faces
    t_root = 85.0 + 273.15 - 0.03 * 1400.0 - d.radiator.loop_delta_t_k
    h_r = 2 * 4 * d.radiator.emissivity * 5.670374419e-8 * t_root ** 3
    ml = d.radiator.fin_half_width_m * math.sqrt(h_r / (170.0 * 0.001))
    eta = math.tanh(ml) / ml
    emitted = 2 * eta * d.radiator.emissivity * 5.670374419e-8 * t_root ** 4
    assert r["root_temp_c"] == pytest.approx(t_root - 273.15)
    assert r["emitted_w_m2"] == pytest.approx(emitted, rel=1e-9)
    # absorbed: the two faces of an edge-on panel (face_environment_flux_w_m2, hot case),
    # worst over Sun elevations, plus the array back at the cell temperature there
    s_r = np.linspace(-1, 1, 2001)
    c = np.sqrt(1 - s_r ** 2)
    solar = 1361.0 / 0.98329 ** 2
    faces = sum(thermal.face_environment_flux_w_m2(cn, 0.0, 650.0, 1.0, solar, s_r,
                                                   d.radiator.absorptivity,
                                                   d.radiator.emissivity, albedo=0.38,
                                                   earth_ir_w_m2=265.0) for cn in (c, -c))
    i = int(np.argmax(faces))
    assert r["absorbed_w_m2"] - r["array_back_w_m2"] == pytest.approx(faces[i], rel=2e-3)
    assert 20.0 < r["array_back_w_m2"] < 120.0
    assert r["area_m2_per_kw"] == pytest.approx(1000.0 / (emitted - r["absorbed_w_m2"]))
    # the cold case needs heaters once the radiator is turned down to 10 %
    assert r["heater_w_cold_case"] > 0.0


def test_default_battery_carries_housekeeping_and_a_quarter_of_compute_through_36_min():
    d = SatelliteDesign()
    to_bus_wh = d.battery.usable_wh * d.battery.discharge_efficiency
    need_wh = (d.housekeeping_total_w + 0.25 * d.compute.full_power_w) * 0.6
    assert to_bus_wh >= need_wh


@pytest.mark.parametrize("cls, field, value, needle", [
    (SolarArray, "area_m2", -3.0,
     "SolarArray.area_m2=-3.0 is out of range; allowed: (0, 1e+06] m^2"),
    (SolarArray, "area_m2", 0.0, "SolarArray.area_m2=0.0"),
    (SolarArray, "efficiency", 0.0, "SolarArray.efficiency=0.0 is out of range; allowed: (0, 1)"),
    (SolarArray, "efficiency", 1.0, "SolarArray.efficiency=1.0"),
    (SolarArray, "efficiency", 1.2, "SolarArray.efficiency=1.2"),
    (SolarArray, "emissivity_front", 1.1, "SolarArray.emissivity_front=1.1"),
    (Radiator, "emissivity", 1.1, "Radiator.emissivity=1.1 is out of range; allowed: (0, 1]"),
    (Radiator, "emissivity", 0.0, "Radiator.emissivity=0.0"),
    (Radiator, "area_m2", -1.0, "Radiator.area_m2=-1.0"),
    (ComputePayload, "gpus", -1, "ComputePayload.gpus=-1 is out of range; allowed: [0, 1000000]"),
    (ComputePayload, "gpu_power_w", 0.0, "ComputePayload.gpu_power_w=0.0"),
    (ComputePayload, "min_power_fraction", 0.05, "ComputePayload.min_power_fraction=0.05"),
    (Battery, "max_depth_of_discharge", 0.0,
     "Battery.max_depth_of_discharge=0.0 is out of range; allowed: (0, 1]"),
    (Battery, "max_depth_of_discharge", 1.5, "Battery.max_depth_of_discharge=1.5"),
    (Battery, "capacity_wh", -1.0,
     "Battery.capacity_wh=-1.0 is out of range; allowed: [0, 1e+09] Wh"),
    (Bus, "power_conversion_efficiency", 1.5, "Bus.power_conversion_efficiency=1.5"),
    (Bus, "housekeeping_w", -5.0, "Bus.housekeeping_w=-5.0"),
])
def test_out_of_range_values_name_field_value_and_range(cls, field, value, needle):
    with pytest.raises(ValueError) as err:
        cls(**{field: value})
    assert needle in str(err.value)


@pytest.mark.parametrize("value", [math.nan, math.inf, -math.inf])
def test_nan_and_inf_are_rejected(value):
    with pytest.raises(ValueError, match="SolarArray.area_m2"):
        SolarArray(area_m2=value)
    with pytest.raises(ValueError, match="Battery.charge_efficiency"):
        Battery(charge_efficiency=value)


@pytest.mark.parametrize("value", [True, "400", None, [1.0]])
def test_wrong_types_raise_type_error(value):
    with pytest.raises(TypeError, match="SolarArray.area_m2"):
        SolarArray(area_m2=value)


def test_type_errors_for_counts_flags_and_choices():
    with pytest.raises(TypeError, match="ComputePayload.gpus"):
        ComputePayload(gpus=2.5)
    with pytest.raises(TypeError, match="ComputePayload.gpus"):
        ComputePayload(gpus=True)
    with pytest.raises(TypeError, match="Radiator.two_sided"):
        Radiator(two_sided=1)
    with pytest.raises(ValueError, match="SolarArray.pointing='nadir'.*sun-tracking"):
        SolarArray(pointing="nadir")
    with pytest.raises(ValueError, match="Radiator.orientation"):
        Radiator(orientation="sideways")
    with pytest.raises(TypeError, match="SatelliteDesign.solar"):
        SatelliteDesign(solar={"area_m2": 1.0})


def test_numpy_scalars_are_accepted_and_stored_as_python_numbers():
    c = ComputePayload(gpus=np.int64(8), gpu_power_w=np.float32(1000.0))
    assert c.gpus == 8 and type(c.gpus) is int
    assert type(c.gpu_power_w) is float


def test_zero_gpus_is_a_power_only_satellite_and_zero_capacity_no_battery():
    d = SatelliteDesign(compute=ComputePayload(gpus=0), battery=Battery(capacity_wh=0.0))
    assert d.compute.full_power_w == 0.0
    assert d.battery.usable_wh == 0.0


def test_normal_rsw_is_validated_and_normalised():
    s = SolarArray(pointing="body-fixed", normal_rsw=(3.0, 0.0, 4.0))
    assert s.normal_rsw == pytest.approx((0.6, 0.0, 0.8))
    with pytest.raises(ValueError, match="SolarArray.normal_rsw.*non-zero"):
        SolarArray(normal_rsw=(0.0, 0.0, 0.0))
    with pytest.raises(TypeError, match="normal_rsw"):
        SolarArray(normal_rsw=(1.0, 0.0))
    with pytest.raises(ValueError, match="normal_rsw"):
        SolarArray(normal_rsw=(1.0, math.nan, 0.0))


def test_array_cannot_convert_more_than_it_absorbs():
    with pytest.raises(ValueError, match="SolarArray.absorptivity"):
        SolarArray(absorptivity=0.2, efficiency=0.3, packing_factor=0.9)


def test_thermal_resistance_must_leave_a_physical_coolant_temperature():
    with pytest.raises(ValueError, match="ComputePayload.thermal_resistance_k_per_w"):
        ComputePayload(thermal_resistance_k_per_w=0.5)


def test_frozen_and_hashable():
    d = SatelliteDesign()
    with pytest.raises(dataclasses.FrozenInstanceError):
        d.solar.area_m2 = 1.0
    assert hash(d) == hash(SatelliteDesign())


def test_dict_round_trip_and_partial_dicts():
    d = SatelliteDesign(solar=SolarArray(pointing="body-fixed", normal_rsw=(1.0, 0.0, 0.0)))
    plain = d.to_dict()
    assert plain["solar"]["normal_rsw"] == [1.0, 0.0, 0.0]
    assert SatelliteDesign.from_dict(plain) == d
    assert SatelliteDesign.from_dict({}) == SatelliteDesign()
    partial = SatelliteDesign.from_dict({"compute": {"gpus": 8}})
    assert partial.compute.gpus == 8 and partial.solar == SolarArray()


def test_from_dict_unknown_key_names_key_table_and_valid_keys():
    with pytest.raises(ValueError) as err:
        SatelliteDesign.from_dict({"solar": {"area_m2": 10.0, "aera": 3}})
    msg = str(err.value)
    assert "'aera'" in msg and "[design.solar]" in msg
    assert "area_m2" in msg and "packing_factor" in msg
    with pytest.raises(ValueError) as err:
        SatelliteDesign.from_dict({"laser": {}})
    assert "'laser'" in str(err.value) and "radiator" in str(err.value)


def test_replace_with_parts_or_dicts():
    d = SatelliteDesign()
    e = d.replace(solar={"area_m2": 300.0}, compute=ComputePayload(gpus=32))
    assert e.solar.area_m2 == 300.0 and e.solar.efficiency == d.solar.efficiency
    assert e.compute.gpus == 32 and d.solar.area_m2 == 440.0
    with pytest.raises(ValueError, match="unknown part 'laser'"):
        d.replace(laser={})
    with pytest.raises(ValueError, match="'area'.*\\[radiator\\]"):
        d.replace(radiator={"area": 3.0})
    with pytest.raises(ValueError, match="Radiator.area_m2=-3.0"):
        d.replace(radiator={"area_m2": -3.0})
