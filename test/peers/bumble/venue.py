"""
A venue of emulated BLE wearables for the tests, on Google's Bumble (vendored in
../shared/vendor/bumble, Apache-2.0).

One Python process holds a virtual radio link. Each `radio` in the spec is a virtual
controller exposed to the box as HCI over UART (H4) on a pty, which the box's real BLE host
stack (noble) drives exactly as it would an nRF52 or ESP32 dongle. Each `wearable` is another
controller on the same link carrying a Bumble `Device` as the peripheral, with the GATT
services of the real thing:

  hr        heart-rate strap: 0x180D (flags, HR, energy, RR, contact) at 1 Hz, battery 0x180F
  polar     "Polar H10"-like: heart rate, battery and the Polar PMD service (control point +
            data): ACC (raw 16-bit mG) and ECG (raw 24-bit uV) after a start request
  band      the Codance open wristband profile v1: IMU (50 Hz), EDA and skin temperature, battery
  drop      a heart-rate strap that drops the link every `dropEveryS` seconds
  mute      accepts the link but never answers GATT discovery

Every value a wearable sends is derived from its sample index (see `acc_mg`, `ecg_uv`, ...),
and every notification is reported on stdout, so a test can check that the box stored each
sample exactly once. Events go to stdout as JSON lines; commands come on stdin as JSON lines:

  {"cmd": "unplug", "radio": "radio2"}   the radio's pty closes and its links are lost
  {"cmd": "plug", "radio": "radio2"}     a fresh controller appears on the same pty path
  {"cmd": "hush"}, {"cmd": "speak"}      every wearable stops (resumes) notifying, links kept:
                                         a test ends a session with nothing in flight
  {"cmd": "quit"}

Usage: python venue.py SPEC.json   (PYTHONPATH must include the Bumble source)
"""

from __future__ import annotations

import asyncio
import json
import os
import struct
import sys
import time

from bumble import core, gatt, hci, ll
from bumble.controller import Controller
from bumble.core import AdvertisingData
from bumble.device import Device
from bumble.link import LocalLink
from bumble.transport import open_transport

HEART_RATE = '180D'
HRM = '2A37'
BATTERY = '180F'
BATTERY_LEVEL = '2A19'
PMD_SERVICE = 'FB005C80-02E7-F387-1CAD-8ACD2D8DF0C8'
PMD_CP = 'FB005C81-02E7-F387-1CAD-8ACD2D8DF0C8'
PMD_DATA = 'FB005C82-02E7-F387-1CAD-8ACD2D8DF0C8'
BAND_SERVICE = 'C0DA0001-D4CE-4F1E-9A7E-B0C5A1E5C0DA'
BAND_IMU = 'C0DA0002-D4CE-4F1E-9A7E-B0C5A1E5C0DA'
BAND_EDA = 'C0DA0003-D4CE-4F1E-9A7E-B0C5A1E5C0DA'
BAND_TEMP = 'C0DA0004-D4CE-4F1E-9A7E-B0C5A1E5C0DA'

# Polar's epoch for PMD timestamps is 2000-01-01; any device clock works, this one starts there.
PMD_EPOCH_NS = 0


# Set by the `hush` command: no wearable notifies until `speak`.
HUSHED = False


def emit(event: dict) -> None:
    # t: this process's monotonic clock in seconds, to order what happened across wearables.
    sys.stdout.write(json.dumps({'t': round(time.monotonic(), 4), **event}, separators=(',', ':')) + '\n')
    sys.stdout.flush()


# The values each stream sends, by sample index, so the receiver can check every one.
def acc_mg(i: int) -> tuple[int, int, int]:
    return (i % 1000, -(i % 1000), 1000 - (i % 7))


def ecg_uv(i: int) -> int:
    return (i % 4000) - 2000


def imu_raw(i: int) -> tuple[int, int, int]:
    # int16 counts at +-8 g: 4096 counts per g
    return ((i % 2048) - 1024, 2048 - (i % 512), 4096)


def eda_ns(i: int) -> int:
    return 2000 + (i % 500) * 3


def temp_centi(i: int) -> int:
    return 3300 + (i % 100)


def hr_bpm(n: int) -> int:
    return 60 + (n % 100)


def rr_1024(n: int) -> int:
    return 500 + n


class FixedLink(LocalLink):
    """
    Bumble's LocalLink labels LE data with the sender's *random* address; noble connects with
    its controller's *public* address, so data must carry the connection's own address or
    the peer drops it ("no connection for 00:00:00:00:00:00").
    """

    def send_acl_data(self, sender_controller, destination_address, transport, data):
        if transport != core.PhysicalTransport.LE:
            return super().send_acl_data(sender_controller, destination_address, transport, data)
        connection = sender_controller.le_connections.get(destination_address)
        source = connection.self_address if connection else sender_controller.random_address
        destination = self.find_le_controller(destination_address)
        if destination is not None:
            asyncio.get_running_loop().call_soon(lambda: destination.on_link_acl_data(source, transport, data))


class RadioController(Controller):
    """The controller the box drives over UART, with the commands noble needs that Bumble lacks."""

    def __init__(self, name, rssi_of, **kwargs):
        super().__init__(name, **kwargs)
        self.rssi_of = rssi_of

    def rssi_for(self, address) -> int:
        return self.rssi_of.get(str(address).split('/')[0].upper(), -60)

    def send_hci_packet(self, packet):
        # Each wearable advertises at its own signal strength (Bumble reports -50 for all).
        if isinstance(packet, (hci.HCI_LE_Advertising_Report_Event, hci.HCI_LE_Extended_Advertising_Report_Event)):
            for report in packet.reports:
                report.rssi = self.rssi_for(report.address)
            packet = type(packet)(packet.reports)
        return super().send_hci_packet(packet)

    def on_hci_read_rssi_command(self, command):
        connection = self.find_le_connection_by_handle(command.handle)
        if connection is None:
            return hci.HCI_Read_RSSI_ReturnParameters(status=hci.HCI_ErrorCode.UNKNOWN_CONNECTION_IDENTIFIER_ERROR, handle=command.handle, rssi=0)
        return hci.HCI_Read_RSSI_ReturnParameters(status=hci.HCI_ErrorCode.SUCCESS, handle=command.handle, rssi=self.rssi_for(connection.peer_address) + 2)

    def on_hci_le_create_connection_cancel_command(self, command):
        # The spec's cancel: the pending connection ends with status "unknown connection identifier".
        pending = self.pending_le_connection
        self.pending_le_connection = None
        result = super().on_hci_le_create_connection_cancel_command(command)
        if pending is not None:
            asyncio.get_running_loop().call_soon(
                lambda: self.send_hci_packet(
                    hci.HCI_LE_Connection_Complete_Event(
                        status=hci.HCI_ErrorCode.UNKNOWN_CONNECTION_IDENTIFIER_ERROR,
                        connection_handle=0, role=hci.Role.CENTRAL, peer_address_type=pending.peer_address.address_type,
                        peer_address=pending.peer_address, connection_interval=0, peripheral_latency=0,
                        supervision_timeout=0, central_clock_accuracy=0,
                    )
                )
            )
        return result


class Radio:
    def __init__(self, venue: Venue, spec: dict, index: int):
        self.venue = venue
        self.name = spec['name']
        self.path = spec['pty']
        self.address = spec.get('address', f'00:C0:DA:00:00:{index + 1:02X}')
        self.transport = None
        self.controller = None

    async def plug(self) -> None:
        if self.transport is not None:
            return
        try:
            os.unlink(self.path)
        except FileNotFoundError:
            pass
        self.transport = await open_transport('pty:' + self.path)
        self.controller = RadioController(self.name, self.venue.rssi_of, host_source=self.transport.source, host_sink=self.transport.sink, link=self.venue.link, public_address=self.address)
        emit({'event': 'plugged', 'radio': self.name, 'pty': self.path})

    async def unplug(self) -> None:
        """The dongle is pulled: the host loses the pty and every wearable loses its link (supervision timeout)."""
        if self.transport is None:
            return
        controller, transport = self.controller, self.transport
        self.controller = self.transport = None
        for connection in list(controller.le_connections.values()):
            self.venue.link.send_ll_control_pdu(connection.self_address, connection.peer_address, ll.TerminateInd(error_code=hci.HCI_ErrorCode.CONNECTION_TIMEOUT_ERROR))
        controller.le_connections.clear()
        self.venue.link.remove_controller(controller)
        controller.host_sink = None
        await transport.close()
        emit({'event': 'unplugged', 'radio': self.name})


class Wearable:
    """One peripheral: its own controller on the link, a Bumble Device, and the GATT services of its kind."""

    def __init__(self, venue: Venue, spec: dict, index: int):
        self.venue = venue
        self.spec = spec
        self.kind = spec['kind']
        self.name = spec['name']
        self.address = spec.get('address', f'C0:DA:00:00:{index // 256:02X}:{index % 256:02X}')
        self.controller = Controller(self.name, link=venue.link, public_address=self.address)
        self.device = Device.with_hci(self.name, hci.Address(self.address), self.controller, self.controller)
        self.connection = None
        self.hr_n = 0
        self.streams: dict[str, dict] = {}
        self.battery = spec.get('battery', 80 + index % 20)
        self.chars: dict[str, gatt.Characteristic] = {}
        self.tasks: list[asyncio.Task] = []
        self.services: list[str] = []
        self.build()

    def characteristic(self, uuid, properties, value=b'', permissions=gatt.Characteristic.READABLE):
        c = gatt.Characteristic(uuid, properties, permissions, value)
        self.chars[uuid] = c
        return c

    def build(self) -> None:
        P = gatt.Characteristic.Properties
        services = []
        if self.kind in ('hr', 'polar', 'drop', 'mute'):
            services.append(gatt.Service(HEART_RATE, [self.characteristic(HRM, P.NOTIFY)]))
        services.append(gatt.Service(BATTERY, [self.characteristic(BATTERY_LEVEL, P.READ | P.NOTIFY, bytes([self.battery]))]))
        if self.kind == 'polar':
            cp = gatt.Characteristic(PMD_CP, P.READ | P.WRITE | P.INDICATE, gatt.Characteristic.READABLE | gatt.Characteristic.WRITEABLE, gatt.CharacteristicValue(read=lambda _c: bytes([0x0F, 0x05]), write=self.on_pmd_write))
            self.chars[PMD_CP] = cp
            services.append(gatt.Service(PMD_SERVICE, [cp, self.characteristic(PMD_DATA, P.NOTIFY)]))
        if self.kind == 'band':
            services.append(gatt.Service(BAND_SERVICE, [self.characteristic(BAND_IMU, P.NOTIFY), self.characteristic(BAND_EDA, P.NOTIFY), self.characteristic(BAND_TEMP, P.NOTIFY)]))
        self.device.add_services(services)
        advertised = [HEART_RATE] if self.kind in ('hr', 'polar', 'drop', 'mute') else [BATTERY]
        uuids = b''.join(struct.pack('<H', int(u, 16)) for u in advertised)
        fields = [(AdvertisingData.COMPLETE_LOCAL_NAME, self.name.encode())]
        if uuids:
            fields.append((AdvertisingData.INCOMPLETE_LIST_OF_16_BIT_SERVICE_CLASS_UUIDS, uuids))
        self.device.advertising_data = bytes(AdvertisingData(fields))
        self.device.on('connection', self.on_connection)
        if self.kind == 'mute':
            # Never answers GATT: every request the central sends is swallowed.
            self.device.gatt_server.on_gatt_pdu = lambda *_args: None

    async def start(self) -> None:
        await self.device.power_on()
        # Bumble takes advertising intervals in ms (HCI units are 0.625 ms).
        interval = self.spec.get('advertisingMs', 100)
        await self.device.start_advertising(auto_restart=True, advertising_interval_min=interval, advertising_interval_max=interval)
        self.tasks.append(asyncio.create_task(self.run()))

    def on_connection(self, connection) -> None:
        self.connection = connection
        radio = next((r.name for r in self.venue.radios.values() if r.address.upper() == str(connection.peer_address).split('/')[0].upper()), '?')
        emit({'event': 'connected', 'dev': self.name, 'radio': radio})

        def on_disconnection(reason):
            if self.connection is connection:
                self.connection = None
            for s in self.streams.values():
                s['on'] = False
            emit({'event': 'disconnected', 'dev': self.name, 'reason': reason})

        connection.on('disconnection', on_disconnection)

    def subscribed(self, uuid: str) -> bool:
        connection = self.connection
        if connection is None:
            return False
        cccd = self.device.gatt_server.subscribers.get(connection, {}).get(self.chars[uuid].handle)
        return bool(cccd) and len(cccd) == 2 and (cccd[0] & 0x03) != 0

    async def notify(self, uuid: str, value: bytes, **log) -> bool:
        connection = self.connection
        if connection is None or HUSHED or not self.subscribed(uuid):
            return False
        if len(value) > connection.att_mtu - 3:
            raise ValueError(f'{self.name}: {len(value)}-byte notification does not fit ATT MTU {connection.att_mtu}')
        # mono: CLOCK_MONOTONIC ns as it leaves, the clock Node's process.hrtime.bigint() reads (latency benches)
        mono = time.monotonic_ns()
        await self.device.notify_subscriber(connection, self.chars[uuid], value)
        emit({'event': 'sent', 'dev': self.name, 'char': uuid[:8].lower() if len(uuid) > 4 else uuid.lower(), 'mono': mono, **log})
        return True

    async def run(self) -> None:
        loop = asyncio.get_running_loop()
        period = self.spec.get('hrEveryMs', 1000) / 1000
        next_hr = loop.time() + period
        connected_at = None
        while True:
            await asyncio.sleep(0.02)
            now = loop.time()
            if self.connection is not None and connected_at is None:
                connected_at = now
            if self.connection is None:
                connected_at = None
            if HRM in self.chars and now >= next_hr:
                next_hr += period
                n = self.hr_n
                hr, rr = hr_bpm(n), rr_1024(n)
                # flags: contact supported + detected, energy expended, RR present; uint8 HR
                payload = struct.pack('<BBHH', 0x1E, hr, n % 65536, rr)
                if await self.notify(HRM, payload, seq=n, hr=hr, rr=[rr], energy=n % 65536):
                    self.hr_n += 1
                    if self.kind == 'drop' and connected_at is not None and now - connected_at >= self.spec.get('dropEveryS', 3):
                        # Let the notification leave before the link drops, as a strap walking out of range would not.
                        await asyncio.sleep(0.05)
                        if self.connection is not None:
                            emit({'event': 'dropping', 'dev': self.name})
                            await self.connection.disconnect(hci.HCI_ErrorCode.REMOTE_USER_TERMINATED_CONNECTION_ERROR)
            await self.pump_streams(now)

    # -- Polar PMD ---------------------------------------------------------------------------
    def on_pmd_write(self, connection, value: bytes) -> None:
        asyncio.get_running_loop().create_task(self.pmd_request(connection, bytes(value)))

    async def pmd_request(self, connection, req: bytes) -> None:
        op, mtype = req[0], req[1] if len(req) > 1 else 0xFF
        names = {2: 'acc', 0: 'ecg'}
        error = 0
        params = b''
        if op == 2 and mtype in names:
            settings = parse_settings(req[2:])
            rate = settings.get(0, 50 if mtype == 2 else 130)
            stream = self.streams.setdefault(names[mtype], {'next': 0})
            stream.update(on=True, rate=rate, due=asyncio.get_running_loop().time())
            emit({'event': 'pmd_start', 'dev': self.name, 'stream': names[mtype], 'rate': rate})
            if mtype == 2:
                params = struct.pack('<BBf', 5, 1, 1.0)  # conversion factor 1.0: samples are mG
        elif op == 3 and mtype in names:
            if names[mtype] in self.streams:
                self.streams[names[mtype]]['on'] = False
            emit({'event': 'pmd_stop', 'dev': self.name, 'stream': names[mtype]})
        else:
            error = 1 if op not in (1, 2, 3) else 2
        response = bytes([0xF0, op, mtype, error, 0]) + params
        try:
            await self.device.indicate_subscriber(connection, self.chars[PMD_CP], response)
        except Exception as err:  # the link may be gone
            emit({'event': 'warn', 'dev': self.name, 'what': f'indicate failed: {err}'})

    async def pump_streams(self, now: float) -> None:
        """Sends what each started stream owes, in frames that fit the negotiated MTU."""
        if self.kind == 'band' and self.connection is not None:
            for name, rate in (('imu', self.spec.get('imuHz', 50)), ('eda', 4), ('temp', 4)):
                self.streams.setdefault(name, {'next': 0, 'on': False, 'rate': rate, 'seq': 0})
                s = self.streams[name]
                if not s['on']:
                    s.update(on=True, due=now)
        for name, s in self.streams.items():
            if not s.get('on') or self.connection is None:
                continue
            frame_samples = self.frame_samples(name)
            period = 1 / s['rate']
            # A frame once enough samples are due (like firmware, which sends full buffers).
            while s.get('on') and self.connection is not None and now - s['due'] >= frame_samples * period:
                first = s['next']
                if not await self.send_frame(name, s, first, frame_samples):
                    break
                s['next'] = first + frame_samples
                s['due'] += frame_samples * period

    def frame_samples(self, name: str) -> int:
        mtu = self.connection.att_mtu if self.connection is not None else 23
        room = mtu - 3
        if name == 'acc':
            return max(1, min(36, (room - 10) // 6))
        if name == 'ecg':
            return max(1, min(73, (room - 10) // 3))
        if name == 'imu':
            return max(1, min(10, (room - 12) // 6))
        return 4  # eda, temp: one second at 4 Hz

    async def send_frame(self, name: str, s: dict, first: int, count: int) -> bool:
        rate = s['rate']
        if name in ('acc', 'ecg'):
            last_ns = PMD_EPOCH_NS + round((first + count - 1) * 1e9 / rate)
            if name == 'acc':
                body = b''.join(struct.pack('<hhh', *acc_mg(i)) for i in range(first, first + count))
                frame = struct.pack('<BQB', 2, last_ns, 0x01) + body
            else:
                body = b''.join(struct.pack('<i', ecg_uv(i))[:3] for i in range(first, first + count))
                frame = struct.pack('<BQB', 0, last_ns, 0x00) + body
            return await self.notify(PMD_DATA, frame, stream=name, first=first, count=count)
        seq = s['seq']
        device_ms = round(first * 1000 / rate)
        if name == 'imu':
            body = b''.join(struct.pack('<hhh', *imu_raw(i)) for i in range(first, first + count))
            payload = struct.pack('<BBHIHBB', 1, 0, seq, device_ms, rate, 8, 0) + body
            uuid = BAND_IMU
        elif name == 'eda':
            payload = struct.pack('<BBHIH', 1, 0, seq, device_ms, rate) + b''.join(struct.pack('<H', eda_ns(i)) for i in range(first, first + count))
            uuid = BAND_EDA
        else:
            payload = struct.pack('<BBHIH', 1, 0, seq, device_ms, rate) + b''.join(struct.pack('<h', temp_centi(i)) for i in range(first, first + count))
            uuid = BAND_TEMP
        sent = await self.notify(uuid, payload, stream=name, first=first, count=count)
        if sent:
            s['seq'] = (seq + 1) % 65536
        return sent


def parse_settings(b: bytes) -> dict[int, int]:
    out, o = {}, 0
    sizes = {0: 2, 1: 2, 2: 2, 4: 1, 5: 4}
    while o + 2 <= len(b):
        code, count = b[o], b[o + 1]
        size = sizes.get(code, 2)
        if count >= 1 and o + 2 + size <= len(b):
            out[code] = int.from_bytes(b[o + 2:o + 2 + size], 'little')
        o += 2 + count * size
    return out


class Venue:
    def __init__(self, spec: dict):
        self.link = FixedLink()
        self.rssi_of: dict[str, int] = {}
        self.radios = {r['name']: Radio(self, r, i) for i, r in enumerate(spec['radios'])}
        self.wearables = [Wearable(self, w, i) for i, w in enumerate(spec['wearables'])]
        for i, w in enumerate(spec['wearables']):
            self.rssi_of[self.wearables[i].address.upper()] = w.get('rssi', -40 - i)

    async def run(self) -> None:
        for r in self.radios.values():
            await r.plug()
        for w in self.wearables:
            await w.start()
        emit({'event': 'ready', 'radios': {r.name: r.path for r in self.radios.values()}, 'wearables': [{'name': w.name, 'address': w.address.lower(), 'kind': w.kind} for w in self.wearables]})
        reader = asyncio.StreamReader()
        await asyncio.get_running_loop().connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
        while True:
            line = await reader.readline()
            if not line:
                break
            try:
                cmd = json.loads(line)
            except ValueError:
                emit({'event': 'error', 'what': f'not JSON: {line!r}'})
                continue
            if cmd.get('cmd') == 'quit':
                break
            if cmd.get('cmd') in ('hush', 'speak'):
                global HUSHED
                HUSHED = cmd['cmd'] == 'hush'
                emit({'event': cmd['cmd']})
                continue
            radio = self.radios.get(cmd.get('radio', ''))
            if cmd.get('cmd') == 'unplug' and radio:
                await radio.unplug()
            elif cmd.get('cmd') == 'plug' and radio:
                await radio.plug()
            else:
                emit({'event': 'error', 'what': f'unknown command {cmd}'})
        for r in self.radios.values():
            await r.unplug()


def main() -> None:
    with open(sys.argv[1]) as f:
        spec = json.load(f)
    async def run() -> None:
        # Bumble's controllers need the running loop when they are built.
        await Venue(spec).run()

    try:
        asyncio.run(run())
    except KeyboardInterrupt:
        pass


if __name__ == '__main__':
    main()
